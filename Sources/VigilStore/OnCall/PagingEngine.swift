import Foundation
import Logging
import Metrics
import PostgresNIO
import ServiceLifecycle
import Synchronization
import VigilEvents
import VigilOnCall

/// The paging engine: hears about incidents through LISTEN/NOTIFY, drives each incident's escalation state machine
/// (``EscalationStore``), fires due timers and sends due pages from the outbox.
///
/// It keeps nothing that matters in memory: escalations, timers and pages are rows, claimed `FOR UPDATE SKIP LOCKED`,
/// so any number of instances can run on one database and a killed instance loses nothing. It does not poll: it
/// sleeps until the earliest due time or a notification (`vigil_incident`, `vigil_incident_status`, `vigil_oncall`),
/// with a slow safety sweep for anything missed while disconnected. Every decision uses the injected clock.
public final class PagingEngine: Service, Sendable {
    /// The incident sink's channel: new and changed incidents (payload: the id).
    public static let incidentChannel = "vigil_incident"
    /// Histogram buckets the engine's timers need (metric label → buckets), for a Prometheus metrics factory.
    public static let histogramBuckets: [String: [Duration]] = [PagingMetrics.latencyLabel: PagingMetrics.latencyBuckets]

    public let settings: PagingSettings
    let client: PostgresClient
    let clock: any WallClock
    let logger: Logger
    let store: EscalationStore
    let configStore: OnCallConfigStore
    let makeChannels: @Sendable (ProviderSettings) -> ChannelRegistry
    let inbox = PagingInbox()
    private let runtimeBox = Mutex<PagingRuntime?>(nil)
    private let inFlight = Atomic<Int>(0)
    private let stopping = Atomic<Bool>(false)
    private let claimFailed = Atomic<Bool>(false)
    private let listener = Mutex<Task<Void, Never>?>(nil)
    private let metrics: PagingMetrics

    /// `makeChannels` builds the delivery channels for a configuration's providers (tests pass their own).
    public init(client: PostgresClient, settings: PagingSettings, clock: any WallClock = SystemClock(),
                logger: Logger = Logger(label: "vigil.paging"), makeChannels: (@Sendable (ProviderSettings) -> ChannelRegistry)? = nil) {
        self.client = client
        self.settings = settings
        self.clock = clock
        self.logger = logger
        metrics = PagingMetrics(factory: MetricsSystem.factory)
        store = EscalationStore(client: client, logger: logger)
        configStore = OnCallConfigStore(client: client, clock: clock, logger: logger)
        self.makeChannels = makeChannels ?? { [logger] providers in
            let (registry, problems) = ChannelRegistry.tolerant(providers: providers)
            for problem in problems {
                logger.error("a delivery provider is off: its secret cannot be loaded", metadata: ["problem": "\(problem)"])
            }
            return registry
        }
    }

    /// The configuration paging uses now; nil until one has been applied and loaded.
    public var runtime: PagingRuntime? { runtimeBox.withLock { $0 } }

    /// Looks for work now (tests call it after moving a manual clock).
    public func wake() { inbox.wake() }

    /// Stops taking new work; pages in flight finish and record their outcome.
    public func stop() {
        guard !stopping.exchange(true, ordering: .relaxed) else { return }
        listener.withLock { $0?.cancel() }
        inbox.finish()
    }

    /// Feeds an acknowledgement to the escalation at once (the acknowledgement endpoint calls it after the incident
    /// changed, and also when the incident was already acknowledged but paging had started again after its timeout).
    public func acknowledged(incident id: Int64, by actor: String) async throws {
        try await store.reconcile(id, runtime: runtime, now: clock.now, maxIncidentAge: settings.maxIncidentAge, acknowledgedBy: actor)
        inbox.wake()
    }

    /// Brings an incident's escalation up to date now (after a resolve through the API, for instance).
    public func reconcile(incident id: Int64) async throws {
        try await store.reconcile(id, runtime: runtime, now: clock.now, maxIncidentAge: settings.maxIncidentAge)
        inbox.wake()
    }

    // MARK: Running

    public func run() async throws {
        try await withGracefulShutdownHandler {
            try await runUntilStopped()
        } onGracefulShutdown: {
            self.stop()
        }
    }

    private func runUntilStopped() async throws {
        guard await waitForSchema() else { return }
        await bootstrap()
        await reloadRuntime()
        do {
            let released = try await store.releaseClaims(of: settings.instanceName, now: clock.now)
            if released > 0 { logger.notice("took back pages claimed before a restart", metadata: ["pages": "\(released)"]) }
        } catch {
            logger.warning("cannot take back earlier claims; their leases will lapse", metadata: ["error": "\(String(reflecting: error))"])
        }
        let listenTask = Task { await self.listen() }
        listener.withLock { $0 = listenTask }
        if stopping.load(ordering: .relaxed) { listenTask.cancel() }
        logger.info("paging engine running", metadata: ["instance": "\(settings.instanceName)", "revision": "\(runtime?.revision.description ?? "none")"])
        inbox.requestSweep()
        var lastSweep: Timestamp?
        await withDiscardingTaskGroup { group in
            for await _ in inbox.wakes {
                if stopping.load(ordering: .relaxed) { break }
                await round(group: &group, lastSweep: &lastSweep)
            }
        }
        listenTask.cancel()
        await listenTask.value
        logger.info("paging engine stopped")
    }

    /// One round: reload if needed, reconcile notified (or swept) incidents, fire due timers, claim and send due pages,
    /// then set the alarm for the next due time.
    private func round(group: inout DiscardingTaskGroup, lastSweep: inout Timestamp?) async {
        var work = inbox.take()
        var progress = false
        let start = clock.now
        if work.configChanged { await reloadRuntime() }
        if work.sweep || lastSweep.map({ start >= $0 + settings.sweepInterval }) ?? true {
            lastSweep = start
            if let revision = try? await configStore.revision(), revision != runtime?.revision { await reloadRuntime() }
            do {
                work.incidents.formUnion(try await store.sweepCandidates(now: start, maxIncidentAge: settings.maxIncidentAge))
            } catch {
                logger.warning("safety sweep failed", metadata: ["error": "\(String(reflecting: error))"])
            }
        }
        var retrySoon = false
        for id in work.incidents.sorted() {
            do {
                let outcome = try await store.reconcile(id, runtime: runtime, now: clock.now, maxIncidentAge: settings.maxIncidentAge)
                if case .started(let policy) = outcome {
                    metrics.escalations.increment()
                    logger.info("paging started", metadata: ["incident": "\(id)", "policy": "\(policy)"])
                }
                if outcome != .unchanged {
                    progress = true
                    // Send this incident's pages before reconciling the next one (bursts of incidents).
                    _ = await claimAndSend(group: &group)
                }
            } catch {
                logger.warning("cannot update the escalation; will retry", metadata: ["incident": "\(id)", "error": "\(String(reflecting: error))"])
                inbox.incidentLater(id)
                retrySoon = true
            }
        }
        // Pages before timers: a new incident's page must not wait for unrelated timers.
        if await claimAndSend(group: &group) { progress = true }
        do {
            var fired = 0
            while fired < 200, try await store.fireNextTimer(runtime: runtime, now: clock.now) { fired += 1 }
            if fired > 0 {
                progress = true
                _ = await claimAndSend(group: &group)
            }
            if fired == 200 { inbox.wake() }
        } catch {
            logger.warning("cannot fire timers; will retry", metadata: ["error": "\(String(reflecting: error))"])
            retrySoon = true
        }
        if claimFailed.load(ordering: .relaxed) { retrySoon = true }
        await scheduleAlarm(lastSweep: lastSweep ?? start, progress: progress, retrySoon: retrySoon)
    }

    /// Claims as many due pages as there are free send slots and sends each in its own task; true when any was claimed.
    private func claimAndSend(group: inout DiscardingTaskGroup) async -> Bool {
        let capacity = settings.maxParallelSends - inFlight.load(ordering: .relaxed)
        guard capacity > 0 else { return false }
        do {
            let claimed = try await store.claimPages(instance: settings.instanceName, lease: settings.lease, now: clock.now, limit: capacity)
            for page in claimed {
                inFlight.add(1, ordering: .relaxed)
                group.addTask {
                    await self.send(page)
                    self.inFlight.subtract(1, ordering: .relaxed)
                    self.inbox.wake()
                }
            }
            claimFailed.store(false, ordering: .relaxed)
            return !claimed.isEmpty
        } catch {
            logger.warning("cannot claim pages; will retry", metadata: ["error": "\(String(reflecting: error))"])
            claimFailed.store(true, ordering: .relaxed)
            return false
        }
    }

    /// Sleeps until the earliest due time (or the next sweep); never busy-waits on work another instance holds.
    private func scheduleAlarm(lastSweep: Timestamp, progress: Bool, retrySoon: Bool) async {
        let now = clock.now
        var next = lastSweep + settings.sweepInterval
        if let due = try? await store.nextDue() { next = min(next, due) }
        var delay = next - now
        if retrySoon { delay = min(delay, .seconds(1)) }
        if delay <= .zero {
            if progress, inFlight.load(ordering: .relaxed) < settings.maxParallelSends {
                inbox.wake()
                return
            }
            // Due but held by another instance, or every send slot busy (a finishing send wakes us): look again shortly.
            delay = .milliseconds(100)
        }
        let capped = min(delay, settings.sweepInterval)
        inbox.setAlarm(after: .nanoseconds(capped.nanoseconds))
    }

    /// Sends one claimed page and records the outcome (retrying the database for a while; if that fails the lease
    /// lapses and the page goes out again with the same idempotency key).
    private func send(_ page: ClaimedPage) async {
        let outcome: DeliveryOutcome
        if page.sends > settings.maxUnconfirmedSends {
            outcome = .permanentFailure(reason: "given up after \(page.sends - 1) sends without a recorded outcome")
        } else if let runtime {
            if let first = page.firstPage {
                metrics.recordLatency(page.message.contact.kind, owedSince: first.owedSince(grace: settings.sweepInterval), sendStarted: clock.now)
            }
            outcome = await runtime.channels.deliver(page.message)
        } else {
            return
        }
        if Task.isCancelled { return }
        metrics.pages(page.message.contact.kind, outcome).increment()
        let metadata: Logger.Metadata = ["key": "\(page.key)", "kind": "\(page.message.contact.kind.rawValue)", "outcome": "\(outcome)"]
        if outcome.isDelivered { logger.info("page sent", metadata: metadata) } else { logger.warning("page not delivered", metadata: metadata) }
        for attempt in 1...5 {
            do {
                try await store.recordOutcome(page, outcome, runtime: runtime, now: clock.now)
                return
            } catch {
                logger.warning("cannot record a page's outcome", metadata: ["key": "\(page.key)", "attempt": "\(attempt)",
                                                                          "error": "\(String(reflecting: error))"])
                try? await Task.sleep(for: .milliseconds(200 * attempt))
            }
        }
    }

    // MARK: Start-up

    /// Waits until the schema is migrated (the daemon migrates at start, with retries); false when stopping first.
    private func waitForSchema() async -> Bool {
        var failures = 0
        while !stopping.load(ordering: .relaxed) && !Task.isCancelled {
            do {
                try await Migrator(logger: logger).verify(client)
                return true
            } catch {
                failures += 1
                if failures == 1 || failures % 30 == 0 {
                    logger.notice("paging waits for the database schema", metadata: ["error": "\(String(reflecting: error))"])
                }
                try? await Task.sleep(for: .seconds(1))
            }
        }
        return false
    }

    /// Applies the daemon's on-call file when the database has none (or, in `always` mode, when it differs).
    private func bootstrap() async {
        guard let bootstrap = settings.bootstrap else { return }
        do {
            let report = try await configStore.apply(bootstrap.config, source: bootstrap.source, actor: "vigil serve (\(settings.instanceName))",
                                                     onlyIfEmpty: bootstrap.mode == .ifEmpty)
            if report.applied {
                logger.notice("on-call configuration applied at start", metadata: ["file": "\(bootstrap.source.path)",
                                                                                   "revision": "\(report.revision ?? 0)",
                                                                                   "changes": "\(report.changes.count)"])
            } else if let stored = try await configStore.load(), stored.sourceSHA256 != bootstrap.source.sha256,
                      !OnCallConfigDiff.changes(from: stored.fileConfig, to: bootstrap.config).isEmpty {
                logger.notice("the on-call file differs from the database; the database wins (vigil oncall apply makes it current)",
                              metadata: ["file": "\(bootstrap.source.path)", "applied": "\(stored.sourceFile)", "revision": "\(stored.revision)"])
            }
        } catch {
            logger.error("cannot apply the on-call file at start", metadata: ["file": "\(bootstrap.source.path)", "error": "\(error)"])
        }
    }

    /// Loads the configuration from the database and rebuilds directory, composer and channels.
    private func reloadRuntime() async {
        do {
            guard let stored = try await configStore.load() else {
                if runtime == nil { logger.notice("no on-call configuration in the database yet: nobody is paged (vigil oncall apply FILE)") }
                return
            }
            if stored.revision == runtime?.revision { return }
            let fresh = PagingRuntime(revision: stored.revision, config: stored.config, ackLinks: settings.ackLinks,
                                      channels: makeChannels(stored.config.providers))
            runtimeBox.withLock { $0 = fresh }
            logger.info("on-call configuration loaded", metadata: ["revision": "\(stored.revision)", "file": "\(stored.sourceFile)",
                                                                  "people": "\(stored.config.people.count)", "policies": "\(stored.config.policies.count)"])
        } catch {
            logger.error("cannot load the on-call configuration; keeping the previous one", metadata: ["error": "\(String(reflecting: error))"])
        }
    }

    // MARK: Notifications

    /// LISTENs on one held connection for as long as the engine runs, reconnecting after a failure; each (re)connect
    /// asks for a sweep, which catches whatever happened while nobody was listening.
    private func listen() async {
        var failures = 0
        while !stopping.load(ordering: .relaxed) && !Task.isCancelled {
            do {
                try await client.withConnection { connection in
                    try await connection.listen(on: Self.incidentChannel) { incidents in
                        try await connection.listen(on: IncidentRepository.statusChannel) { statuses in
                            try await connection.listen(on: OnCallConfigStore.notifyChannel) { oncall in
                                failures = 0
                                self.inbox.requestSweep()
                                try await withThrowingTaskGroup(of: Void.self) { group in
                                    group.addTask { for try await n in incidents { if let id = Int64(n.payload) { self.inbox.incident(id) } } }
                                    group.addTask { for try await n in statuses { if let id = Int64(n.payload) { self.inbox.incident(id) } } }
                                    group.addTask {
                                        for try await n in oncall { if n.payload == "config" { self.inbox.configChanged() } else { self.inbox.wake() } }
                                    }
                                    try await group.next()
                                    group.cancelAll()
                                }
                            }
                        }
                    }
                }
            } catch {
                if stopping.load(ordering: .relaxed) || Task.isCancelled { break }
                failures += 1
                if failures == 1 || failures % 60 == 0 {
                    logger.warning("not listening for incidents; the safety sweep covers the gap", metadata: ["error": "\(String(reflecting: error))"])
                }
            }
            try? await Task.sleep(for: .seconds(1))
        }
    }
}
