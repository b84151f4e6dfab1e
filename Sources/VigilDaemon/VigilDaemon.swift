import Foundation
import Logging
import Metrics
import NIOCore
import PostgresNIO
import Prometheus
import ServiceLifecycle
import Synchronization
import VigilEvents
import VigilDetection
import VigilIngest
import VigilStore

/// Options from the command line that are not in the configuration file.
public struct DaemonOptions: Sendable {
    public var printEvents = false
    public var printHits = false
    public var clock: any WallClock = SystemClock()

    public init(printEvents: Bool = false, printHits: Bool = false) {
        self.printEvents = printEvents
        self.printHits = printHits
    }
}

/// Wires the daemon: listeners → shards → (detection → incidents), plus HTTP and reload.
public final class VigilDaemon: Sendable {
    public let configuration: Mutex<VigilConfiguration>
    let options: DaemonOptions
    let logger: Logger
    let readiness = Readiness()
    let notifier = SystemdNotifier()
    let extractors = Mutex(ExtractorSet.empty)
    let ruleSet = Mutex(RuleSet.empty)
    let router = Mutex<ShardRouter?>(nil)
    let client = Mutex<PostgresClient?>(nil)
    let sink = Mutex<IncidentSink?>(nil)

    public init(configuration: VigilConfiguration, options: DaemonOptions) {
        self.configuration = Mutex(configuration)
        self.options = options
        var logger = Logger(label: "vigil")
        logger.logLevel = Logger.Level(rawValue: configuration.logLevel) ?? .info
        self.logger = logger
    }

    /// Loads the file, sets up logging and metrics, and runs until SIGTERM or SIGINT.
    public static func run(configPath: String, options: DaemonOptions) async throws {
        // A SIGHUP that arrives before the reload service listens must not kill the daemon (the default action).
        signal(SIGHUP, SIG_IGN)
        let configuration = try VigilConfiguration.load(path: configPath)
        LoggingSetup.bootstrap(format: configuration.logFormat, level: configuration.logLevel)
        try await VigilDaemon(configuration: configuration, options: options).run()
    }

    public func run() async throws {
        let config = configuration.withLock { $0 }
        let loadedExtractors = try Self.loadExtractors(rulesDirectory: config.rulesDirectory, logger: logger)
        extractors.withLock { $0 = loadedExtractors }
        let rules = try Self.loadRules(rulesDirectory: config.rulesDirectory, logger: logger)
        ruleSet.withLock { $0 = rules }
        let registry = MetricsBootstrap.registry
        let daemonMetrics = DaemonMetrics()
        daemonMetrics.startTime.record(options.clock.now.seconds)
        let printer = options.printEvents || options.printHits ? JSONLinePrinter() : nil
        let storage = try await StorageServices.make(config: config, options: options, readiness: readiness, logger: logger,
                                                     afterMigration: { [self] client in try await self.syncCustomers(client) })
        self.client.withLock { $0 = storage.client }
        self.sink.withLock { $0 = storage.sink }
        let dispatcher = HitDispatcher(sink: storage.sink, printer: options.printHits ? printer : nil, logger: Logger(label: "vigil.detection"))
        let shards = (0..<config.shards).map {
            Shard(index: $0, queueDepth: config.shardQueueDepth, rules: rules, engineOptions: config.detection,
                  printer: options.printEvents ? printer : nil, dispatcher: dispatcher, clock: options.clock,
                  logger: Logger(label: "vigil.detection"))
        }
        let router = ShardRouter(shards: shards)
        self.router.withLock { $0 = router }
        let environment = IngestEnvironment(clock: options.clock, logger: Logger(label: "vigil.ingest"))
        let ingest = IngestService(
            listeners: config.listeners, limits: config.limits, sink: router, environment: environment, readiness: readiness,
            parserFactory: { [self] listener in
                EventParser(protocol: listener.wireProtocol, extractors: extractors.withLock { $0 })
            }
        )
        let adminToken = try AdminToken.loadOrCreate(stateDirectory: config.stateDirectory)
        let paging = try PagingServices.make(config: config, client: storage.client, clock: options.clock, logger: logger)
        let http = HTTPEndpoints.makeApplication(
            address: config.httpAddress, port: config.httpPort, registry: registry, readiness: readiness,
            admin: AdminEndpoints(token: adminToken, reload: { [self] in await self.reload(reason: "admin API", ingest: ingest) }),
            ack: paging.ack, logger: Logger(label: "vigil.http"),
            beforeScrape: { [readiness] in daemonMetrics.ready.record(readiness.status.ready ? 1 : 0) },
            onRunning: { [logger] port in logger.info("http endpoints up", metadata: ["port": "\(port)"]) }
        )
        let reload = ReloadService(logger: logger, readiness: readiness) { [self] reason in _ = await self.reload(reason: reason, ingest: ingest) }
        let systemd = SystemdService(notifier: notifier, readiness: readiness, metrics: daemonMetrics, logger: logger)
        let core: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: ShardService(router: router, clock: options.clock)), .init(service: ingest), .init(service: http),
            .init(service: reload), .init(service: systemd),
        ]
        let group = ServiceGroup(configuration: .init(
            services: storage.services + paging.services + core,
            gracefulShutdownSignals: [.sigterm, .sigint],
            cancellationSignals: [],
            logger: logger
        ).withShutdownDeadline(.seconds(4)))
        logger.info("vigil starting", metadata: ["config": "\(config.path)", "listeners": "\(config.listeners.count)",
                                                 "shards": "\(config.shards)"])
        try await group.run()
        logger.info("vigil stopped")
    }

    /// Re-reads the configuration file; on any error the running configuration stays.
    func reload(reason: String, ingest: IngestService) async -> ReloadOutcome {
        notifier.reloading()
        defer { notifier.ready(status: readiness.status.detail) }
        let path = configuration.withLock { $0.path }
        let next: VigilConfiguration
        do {
            next = try VigilConfiguration.load(path: path)
        } catch {
            for problem in error.errors {
                logger.error("reload rejected; keeping the running configuration", metadata: ["problem": "\(problem)"])
            }
            return ReloadOutcome(applied: false, messages: error.errors.map(\.description))
        }
        let nextExtractors: ExtractorSet
        do {
            nextExtractors = try Self.loadExtractors(rulesDirectory: next.rulesDirectory, logger: logger)
        } catch {
            logger.error("reload rejected; keeping the running configuration", metadata: ["problem": "\(error)"])
            return ReloadOutcome(applied: false, messages: ["\(error)"])
        }
        let nextRules: RuleSet
        do {
            nextRules = try Self.loadRules(rulesDirectory: next.rulesDirectory, logger: logger)
        } catch {
            for problem in error.errors {
                logger.error("reload rejected; keeping the running rules", metadata: ["problem": "\(problem)"])
            }
            return ReloadOutcome(applied: false, messages: error.errors.map(\.description))
        }
        // Listeners first: if one cannot bind, nothing else changes.
        do {
            try await ingest.apply(listeners: next.listeners, limits: next.limits)
        } catch {
            logger.error("reload failed while binding listeners; keeping the running configuration", metadata: ["error": "\(error)"])
            return ReloadOutcome(applied: false, messages: ["binding listeners failed: \(error)"])
        }
        extractors.withLock { $0 = nextExtractors }
        let ruleDiff = await swapRules(nextRules)
        let previous = configuration.withLock { current in
            defer { current = next }
            return current
        }
        var messages = ["configuration reloaded: \(next.listeners.count) listeners", "rules: \(ruleDiff)"]
        let pending = Self.keysNeedingRestart(from: previous, to: next)
        if !pending.isEmpty {
            logger.warning("changed settings take effect at the next restart", metadata: ["keys": "\(pending.joined(separator: ", "))"])
            messages.append("these changes take effect at the next restart: \(pending.joined(separator: ", "))")
        }
        logger.info("configuration reloaded", metadata: ["reason": "\(reason)", "listeners": "\(next.listeners.count)"])
        return ReloadOutcome(applied: true, messages: messages)
    }

    /// Top-level keys a reload reads but cannot apply to a running daemon (names only; values may hold secrets).
    static func keysNeedingRestart(from old: VigilConfiguration, to new: VigilConfiguration) -> [String] {
        let changed: [(String, Bool)] = [
            ("state_dir", old.stateDirectory != new.stateDirectory),
            ("database", old.database != new.database),
            ("incidents", old.incidents != new.incidents),
            ("detection", old.detection != new.detection),
            ("oncall/notifications/acknowledgement", old.onCall != new.onCall),
            ("http", old.httpAddress != new.httpAddress || old.httpPort != new.httpPort),
            ("log", old.logLevel != new.logLevel || old.logFormat != new.logFormat),
            ("shards", old.shards != new.shards || old.shardQueueDepth != new.shardQueueDepth),
        ]
        return changed.filter(\.1).map(\.0)
    }
}

extension VigilDaemon {
    /// The rule tree (library, playbooks, logsources); any error fails the load as a whole.
    static func loadRules(rulesDirectory: String, logger: Logger) throws(RuleLoadFailure) -> RuleSet {
        let rules = try RuleLoader.load(root: rulesDirectory)
        for warning in rules.diagnostics { logger.warning("rule warning", metadata: ["problem": "\(warning)"]) }
        logger.info("rules loaded", metadata: ["rules": "\(rules.rules.count)", "customers": "\(rules.customers.map(\.rawValue).joined(separator: ","))",
                                               "path": "\(rulesDirectory)"])
        return rules
    }

    /// Swaps the rules in every shard (each keeps the state of unchanged rules) and updates the customers table.
    func swapRules(_ rules: RuleSet) async -> RuleSetDiff {
        let old = ruleSet.withLock { previous in
            defer { previous = rules }
            return previous
        }
        let diff = rules.diff(from: old)
        if let router = router.withLock({ $0 }) {
            for shard in router.shards {
                await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
                    Task { await shard.send(.reload(rules, { _ in done.resume() })) }
                }
            }
        }
        logger.info("rules reloaded", metadata: ["diff": "\(diff)"])
        if let client = client.withLock({ $0 }) {
            do { try await syncCustomers(client) } catch {
                logger.warning("customers not synced to the database yet", metadata: ["error": "\(String(reflecting: error))"])
            }
        }
        return diff
    }

    /// Writes the playbooks' customers into vigil.customers and hands their SLA policies to the sink.
    func syncCustomers(_ client: PostgresClient) async throws {
        let rules = ruleSet.withLock { $0 }
        let records = rules.customers.compactMap { id -> CustomerRecord? in
            guard let playbook = rules.playbooks[id] else { return nil }
            return CustomerRecord(id: id, name: playbook.name, timeZone: playbook.timeZone.identifier,
                                  businessHours: playbook.businessHours.description, slaOverrides: playbook.slaTargets)
        }
        let repository = IncidentRepository(client: client, clock: options.clock, logger: logger)
        let changed = try await repository.syncCustomers(records, actor: "vigil")
        if !changed.isEmpty { logger.info("customers synced", metadata: ["changed": "\(changed.map(\.rawValue).joined(separator: ","))"]) }
        sink.withLock { $0 }?.setSLAPolicies(try await repository.slaPolicies())
    }

    /// `rules/extractors/*.yml`; a missing directory means no extraction (with a warning).
    static func loadExtractors(rulesDirectory: String, logger: Logger) throws(ExtractorLoadError) -> ExtractorSet {
        let directory = rulesDirectory + "/extractors"
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            logger.warning("no extractors directory; syslog messages get no extracted fields", metadata: ["path": "\(directory)"])
            return .empty
        }
        let set = try ExtractorSet.load(directory: directory)
        logger.info("extractors loaded", metadata: ["count": "\(set.extractors.count)", "path": "\(directory)"])
        return set
    }
}

/// What a reload did, for the log and for `vigil reload`.
public struct ReloadOutcome: Sendable, Codable {
    public init(applied: Bool, messages: [String]) {
        self.applied = applied
        self.messages = messages
    }

    public var applied: Bool
    public var messages: [String]
}

extension ServiceGroupConfiguration {
    func withShutdownDeadline(_ duration: Duration) -> ServiceGroupConfiguration {
        var copy = self
        copy.maximumGracefulShutdownDuration = duration
        copy.maximumCancellationDuration = .milliseconds(500)
        return copy
    }
}

