import Logging
import ServiceLifecycle
import Synchronization
import VigilIngest

/// Runs the listeners; on reload, rebinds only those whose settings changed.
final class IngestService: Service {
    private enum Command: Sendable {
        case apply([ListenerConfiguration], IngestLimits, @Sendable (Result<Void, any Error>) -> Void)
    }

    private let sink: any EventSink
    private let environment: IngestEnvironment
    private let parserFactory: @Sendable (ListenerConfiguration) -> EventParser
    private let limiter: ConnectionLimiter
    private let readiness: Readiness
    private let running = Mutex<[String: IngestListener]>([:])
    private let commands: AsyncStream<Command>
    private let commandInput: AsyncStream<Command>.Continuation
    private let initial: ([ListenerConfiguration], IngestLimits)
    private let boundPorts = Mutex<[String: Int]>([:])
    private let onBound: @Sendable ([String: Int]) -> Void

    init(listeners: [ListenerConfiguration], limits: IngestLimits, sink: any EventSink, environment: IngestEnvironment,
         readiness: Readiness, parserFactory: @escaping @Sendable (ListenerConfiguration) -> EventParser,
         onBound: @escaping @Sendable ([String: Int]) -> Void = { _ in }) {
        self.sink = sink
        self.environment = environment
        self.parserFactory = parserFactory
        self.readiness = readiness
        self.limiter = ConnectionLimiter(maxConnections: limits.maxConnections, maxPerSource: limits.maxConnectionsPerSource)
        self.initial = (listeners, limits)
        self.onBound = onBound
        (commands, commandInput) = AsyncStream.makeStream(of: Command.self)
    }

    /// The bound port of each listener by name.
    var ports: [String: Int] { boundPorts.withLock { $0 } }

    /// Applies a new listener set; completes after the changed listeners are bound (or failed to bind).
    func apply(listeners: [ListenerConfiguration], limits: IngestLimits) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            commandInput.yield(.apply(listeners, limits, { continuation.resume(with: $0) }))
        }
    }

    func run() async throws {
        let logger = environment.logger
        try await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                do {
                    try await self.reconcile(self.initial.0, limits: self.initial.1, group: &group)
                } catch {
                    logger.critical("cannot start listeners", metadata: ["error": "\(error)"])
                    self.commandInput.finish()
                    self.stopAll()
                    return
                }
                self.readiness.setListenersBound(true)
                for await command in self.commands {
                    switch command {
                    case .apply(let listeners, let limits, let done):
                        do {
                            try await self.reconcile(listeners, limits: limits, group: &group)
                            done(.success(()))
                        } catch {
                            done(.failure(error))
                        }
                    }
                }
                self.stopAll()
            }
        } onGracefulShutdown: {
            self.readiness.setListenersBound(false)
            self.commandInput.finish()
            self.stopAll()
        }
    }

    private func stopAll() {
        let listeners = running.withLock { r in
            defer { r.removeAll() }
            return Array(r.values)
        }
        for listener in listeners { listener.shutdown() }
    }

    /// Binds new and changed listeners first, and only then stops removed and replaced ones.
    private func reconcile(_ wanted: [ListenerConfiguration], limits: IngestLimits, group: inout DiscardingTaskGroup) async throws {
        limiter.update(maxConnections: limits.maxConnections, maxPerSource: limits.maxConnectionsPerSource)
        let current = running.withLock { $0 }
        var toStop: [IngestListener] = []
        var started: [IngestListener] = []
        do {
            for configuration in wanted {
                if let existing = current[configuration.name], existing.configuration == configuration {
                    existing.update(parser: parserFactory(configuration))
                    continue
                }
                if let existing = current[configuration.name], existing.configuration.address == configuration.address,
                   existing.configuration.port == configuration.port {
                    // Same socket: stop the old one first so the port is free.
                    existing.shutdown()
                    running.withLock { _ = $0.removeValue(forKey: configuration.name) }
                }
                let listener = try await IngestListener.bind(configuration, parser: parserFactory(configuration), limits: limits,
                                                             limiter: limiter, environment: environment)
                started.append(listener)
            }
        } catch {
            for listener in started { listener.shutdown() }
            throw error
        }
        let wantedNames = Set(wanted.map(\.name))
        for (name, listener) in current where !wantedNames.contains(name) { toStop.append(listener) }
        for listener in started {
            if let old = current[listener.configuration.name], running.withLock({ $0[listener.configuration.name] }) != nil {
                toStop.append(old)
            }
            running.withLock { $0[listener.configuration.name] = listener }
            boundPorts.withLock { $0[listener.configuration.name] = listener.port }
            environment.logger.info("listening", metadata: [
                "listener": "\(listener.configuration.name)", "address": "\(listener.configuration.address)",
                "port": "\(listener.port)", "protocol": "\(listener.configuration.wireProtocol.rawValue)",
                "tls": "\(listener.configuration.tls != nil)",
            ])
            let sink = self.sink
            group.addTask { await listener.run(sink: sink) }
        }
        for listener in toStop {
            running.withLock { r in
                if r[listener.configuration.name] === listener { r.removeValue(forKey: listener.configuration.name) }
            }
            if !wantedNames.contains(listener.configuration.name) {
                boundPorts.withLock { _ = $0.removeValue(forKey: listener.configuration.name) }
            }
            listener.shutdown()
            environment.logger.info("stopped listener", metadata: ["listener": "\(listener.configuration.name)"])
        }
        onBound(ports)
    }
}
