import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import Synchronization
import VigilEvents
@testable import VigilIngest

/// Collects delivered events and lets a test wait for them.
final class CapturingSink: EventSink {
    private let events = Mutex<[Event]>([])
    private let stream: AsyncStream<Event>
    private let input: AsyncStream<Event>.Continuation
    /// When set, `deliver` waits on it: lets a test hold the pipeline full.
    let gate = Mutex<CheckedContinuation<Void, Never>?>(nil)
    private let blocked = Mutex(false)

    init() { (stream, input) = AsyncStream.makeStream(of: Event.self) }

    func deliver(_ batch: EventBatch) async {
        if blocked.withLock({ $0 }) {
            await withCheckedContinuation { c in gate.withLock { $0 = c } }
        }
        events.withLock { $0.append(contentsOf: batch.events) }
        for e in batch.events { input.yield(e) }
    }

    func block() { blocked.withLock { $0 = true } }

    func unblock() {
        blocked.withLock { $0 = false }
        gate.withLock { g in
            g?.resume()
            g = nil
        }
    }

    var all: [Event] { events.withLock { $0 } }

    /// The next `count` events, or fewer if `seconds` pass first (a safety net, not test logic).
    func next(_ count: Int, within seconds: Double = 30) async -> [Event] {
        await withTaskGroup(of: [Event].self) { group in
            group.addTask {
                var out: [Event] = []
                for await e in self.stream {
                    out.append(e)
                    if out.count == count { break }
                }
                return out
            }
            group.addTask {
                try? await Task.sleep(for: .seconds(seconds))
                return []
            }
            let first = await group.next()!
            group.cancelAll()
            return first
        }
    }
}

/// A listener bound to 127.0.0.1 on a free port, running until `stop()`.
struct ListenerHarness {
    let listener: IngestListener
    let sink: CapturingSink
    let task: Task<Void, Never>
    let environment: IngestEnvironment

    var port: Int { listener.port }

    static func start(
        name: String = "test-\(UUID().uuidString.prefix(8))",
        binding: CustomerBinding = .fixed("bank-nord"),
        protocol wireProtocol: WireProtocol = .auto,
        tls: TLSSettings? = nil,
        limits: IngestLimits = IngestLimits(),
        maxFrameBytes: Int = 64 * 1024,
        clock: any WallClock = ManualClock(Timestamp(seconds: 1_795_000_000))
    ) async throws -> ListenerHarness {
        let configuration = ListenerConfiguration(name: name, address: "127.0.0.1", port: 0, wireProtocol: wireProtocol,
                                                  maxFrameBytes: maxFrameBytes, tls: tls, binding: binding)
        _ = TestMetricsBootstrap.metrics
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let environment = IngestEnvironment(clock: clock, logger: logger)
        let listener = try await IngestListener.bind(
            configuration, parser: EventParser(protocol: wireProtocol), limits: limits,
            limiter: ConnectionLimiter(maxConnections: limits.maxConnections, maxPerSource: limits.maxConnectionsPerSource),
            environment: environment)
        let sink = CapturingSink()
        let task = Task { await listener.run(sink: sink) }
        return ListenerHarness(listener: listener, sink: sink, task: task, environment: environment)
    }

    func stop() async {
        listener.shutdown()
        await task.value
    }

    func counter(_ label: String, customer: String = "bank-nord", reason: String? = nil) -> Int64 {
        var dims = [("listener", listener.configuration.name), ("customer", customer)]
        if let reason { dims.append(("reason", reason)) }
        return TestMetricsBootstrap.total(label, dims)
    }

    func rejected(_ reason: String) -> Int64 {
        TestMetricsBootstrap.total("vigil_connections_rejected_total", [("listener", listener.configuration.name), ("reason", reason)])
    }
}

/// A raw TCP (optionally TLS) client for tests.
struct TestClient {
    let channel: any Channel

    static func connect(port: Int, tls: TLSConfiguration? = nil) async throws -> TestClient {
        let context = try tls.map { try NIOSSLContext(configuration: $0) }
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let context {
                        try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: context, serverHostname: "localhost"))
                    }
                }
            }
            .connect(host: "127.0.0.1", port: port).get()
        return TestClient(channel: channel)
    }

    func send(_ bytes: some Sequence<UInt8>) async throws {
        try await channel.writeAndFlush(ByteBuffer(bytes: Array(bytes))).get()
    }

    func send(_ text: String) async throws { try await send(Array(text.utf8)) }

    func close() async { try? await channel.close().get() }

    /// Resolves when the server closes the connection.
    func closed() async { try? await channel.closeFuture.get() }
}

/// Polls `condition` until it holds; `seconds` is only a safety net for a broken build.
func eventually(within seconds: Double = 30, _ condition: () -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + .seconds(seconds)
    while ContinuousClock.now < deadline {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return condition()
}
