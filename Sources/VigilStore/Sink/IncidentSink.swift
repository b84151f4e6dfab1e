import Foundation
import Logging
import Metrics
import PostgresNIO
import ServiceLifecycle
import Synchronization
import VigilDetection
import VigilEvents
import VigilIncidents

/// Turns detection hits into incidents in PostgreSQL, in batches, without losing any.
///
/// - `submit(_:)` stamps the detection time and enqueues; it suspends while the bounded queue is full.
/// - `run()` takes batches (one transaction each). When the database is unreachable (or slower than the apply
///   timeout), batches go to the fsync'd ``HitSpool`` instead; while the spool holds anything, new batches queue
///   behind it, and it is replayed in order when the database answers again (and on the next start).
/// - Each hit is applied exactly once: its `hit` timeline row is unique by hit id, so replays are dropped.
/// - A hit the database refuses as invalid (SQLSTATE classes 22, 23, 54) is moved to `rejected.spool` and counted,
///   so one bad hit neither blocks the rest nor is silently dropped.
/// - When the spool reaches `spoolMaxBytes`, the sink stops taking from the queue, so `submit` suspends
///   (backpressure) instead of dropping; `vigil_spool_alarm` rises at `spoolAlarmPercent` before that.
///
/// Durability boundary: a hit is durable once applied or spooled. `flush()` waits for that. Hits still in the
/// in-memory queue are written out on graceful shutdown, but lost if the process is killed.
public final class IncidentSink: Service {
    /// `NOTIFY` channel sent in the same transaction when an incident is created or gets new hits; payload: the id.
    public static let notifyChannel = IncidentWriter.notifyChannel
    /// A snapshot for health checks and tests.
    public struct Status: Sendable, Hashable {
        public var queueDepth = 0
        public var spoolBytes: Int64 = 0
        public var spoolPendingHits = 0
        public var databaseAvailable = true
        public var applied = 0
        public var duplicates = 0
        public var spooled = 0
        public var replayed = 0
        public var rejected = 0
    }

    private struct FlushWaiter {
        var target: Int
        var continuation: CheckedContinuation<Void, Never>
    }

    private struct Shared {
        var policies: [CustomerID: SLAPolicy] = [:]
        var status = Status()
        /// Hits taken from the queue and made durable (applied, spooled, duplicate or rejected).
        var processed = 0
        var enqueued = 0
        var waiters: [FlushWaiter] = []
        /// Set on graceful shutdown: drain the queue (to the database or the spool) without replaying the spool.
        var shuttingDown = false
    }

    public let settings: IncidentSinkSettings
    public let spoolDirectory: String
    private let client: PostgresClient
    private let clock: any WallClock
    private let logger: Logger
    private let queue: HitQueue
    private let writer: IncidentWriter
    private let metrics: SinkMetrics
    private let shared = Mutex(Shared())

    public init(client: PostgresClient, settings: IncidentSinkSettings = IncidentSinkSettings(), spoolDirectory: String,
                clock: any WallClock = SystemClock(), logger: Logger = Logger(label: "vigil.incident-sink")) {
        self.client = client
        self.settings = settings
        self.spoolDirectory = spoolDirectory
        self.clock = clock
        self.logger = logger
        self.queue = HitQueue(capacity: settings.queueCapacity)
        self.metrics = SinkMetrics(factory: MetricsSystem.factory)
        self.writer = IncidentWriter(planner: IncidentPlanner(evidenceCap: settings.evidenceCap), logger: logger)
    }

    // MARK: Producer side

    /// Accepts hits; suspends while the queue is full. Throws ``StoreError`` `.shutDown` after shutdown.
    public func submit(_ hits: [Hit]) async throws {
        guard !hits.isEmpty else { return }
        let now = clock.now
        try await queue.push(hits.map { DetectedHit(hit: $0, detectedAt: now) })
        shared.withLock { $0.enqueued += hits.count }
        metrics.queueDepth.record(queue.depth)
    }

    /// Waits until every hit enqueued before the call is applied or spooled.
    public func flush() async {
        let target = shared.withLock { $0.enqueued }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = shared.withLock { s -> Bool in
                if s.processed >= target { return true }
                s.waiters.append(FlushWaiter(target: target, continuation: continuation))
                return false
            }
            if done { continuation.resume() }
        }
    }

    /// The resolution targets per customer (from the playbooks); customers not listed get the defaults.
    public func setSLAPolicies(_ policies: [CustomerID: SLAPolicy]) {
        shared.withLock { $0.policies = policies }
    }

    public var status: Status {
        var s = shared.withLock { $0.status }
        s.queueDepth = queue.depth
        return s
    }

    // MARK: Run loop

    public func run() async throws {
        let spool = try HitSpool(directory: spoolDirectory, logger: logger)
        publish(spool)
        await loadPoliciesIfPossible()
        try await withGracefulShutdownHandler {
            try await loop(spool)
        } onGracefulShutdown: {
            self.shared.withLock { $0.shuttingDown = true }
            self.queue.finish()
        }
        // Whatever could not be written stays in the spool for the next start.
        publish(spool)
        finishWaiters()
    }

    private func loop(_ spool: HitSpool) async throws {
        let retry = Duration.milliseconds(Int64(settings.retrySeconds * 1000))
        var retryAt: ContinuousClock.Instant? = spool.isEmpty ? nil : .now
        while true {
            if Task.isCancelled {
                shared.withLock { $0.shuttingDown = true }
                queue.finish()
            }
            // The spool goes first, so hits reach the database in order (not while shutting down: it keeps).
            if !spool.isEmpty, let due = retryAt, ContinuousClock.now >= due, !shared.withLock({ $0.shuttingDown }) {
                var rounds = 0
                while !spool.isEmpty, rounds < 4 {
                    rounds += 1
                    if try await replayStep(spool) == .unavailable {
                        retryAt = .now + retry
                        break
                    }
                }
                if spool.isEmpty {
                    retryAt = nil
                    logger.notice("spool replayed; writing directly again")
                }
            }
            // A full spool takes no more: submit() suspends until the database is back. On shutdown the queue is
            // written to the spool even past the bound: a hit is never dropped.
            if !spool.isEmpty, spool.fileSize >= settings.spoolMaxBytes, !shared.withLock({ $0.shuttingDown }) {
                try? await Task.sleep(until: retryAt ?? .now + retry, clock: .continuous)
                if Task.isCancelled { break }
                continue
            }
            let batch: [DetectedHit]?
            if spool.isEmpty {
                batch = await queue.take(max: settings.batchSize)
            } else {
                batch = await take(until: retryAt ?? .now + retry)
            }
            guard let batch else { break }
            if batch.isEmpty { continue }
            metrics.queueDepth.record(queue.depth)

            if !spool.isEmpty {
                try spoolBatch(batch, spool)
                continue
            }
            switch await applyBatch(batch, spool: spool, replaying: false) {
            case .done:
                markProcessed(batch.count)
            case .unavailable:
                try spoolBatch(batch, spool)
                retryAt = .now + retry
            }
        }
    }

    /// Takes a batch, waiting no later than `deadline` (then returns an empty batch).
    private func take(until deadline: ContinuousClock.Instant) async -> [DetectedHit]? {
        if let ready = queue.tryTake(max: settings.batchSize) { return ready }
        if ContinuousClock.now >= deadline { return [] }
        let queue = self.queue
        let max = settings.batchSize
        return await withTaskGroup(of: [DetectedHit]?.self) { group in
            group.addTask { await queue.take(max: max) }
            group.addTask {
                try? await Task.sleep(until: deadline, clock: .continuous)
                return []
            }
            let first = await group.next()!
            group.cancelAll()
            // The taker may still have taken hits after the timer won; keep them.
            var result = first
            while let other = await group.next() {
                if let other, !other.isEmpty { result = (result ?? []) + other }
            }
            return result
        }
    }

    private func spoolBatch(_ batch: [DetectedHit], _ spool: HitSpool) throws {
        try spool.append(batch)
        metrics.spooled.increment(by: batch.count)
        shared.withLock { $0.status.spooled += batch.count }
        publish(spool)
        markProcessed(batch.count)
    }

    private enum StepResult { case progress, unavailable }

    private func replayStep(_ spool: HitSpool) async throws -> StepResult {
        let (hits, end) = try spool.read(maxHits: settings.batchSize)
        guard !hits.isEmpty else { return .progress }
        switch await applyBatch(hits, spool: spool, replaying: true) {
        case .done:
            try spool.markReplayed(through: end, records: hits.count)
            metrics.replayed.increment(by: hits.count)
            shared.withLock { $0.status.replayed += hits.count }
            publish(spool)
            return .progress
        case .unavailable:
            return .unavailable
        }
    }

    // MARK: Applying

    enum ApplyResult { case done, unavailable }

    enum Failure: Error { case unavailable, retryNow, rejected }

    /// Applies a batch: split by dedup key over `writers` concurrent transactions (disjoint keys, so they never
    /// wait on each other, and each key's hits stay in order), each retrying lost races and splitting itself when
    /// the database refuses something in it. Unavailable if any part is: the caller spools the whole batch, and
    /// the parts that did commit are dropped as duplicates when the spool replays.
    /// `replaying`: the hits come from the spool, so some may be applied already (look them up first).
    func applyBatch(_ hits: [DetectedHit], spool: HitSpool, replaying: Bool) async -> ApplyResult {
        let lanes = IncidentSink.partition(hits, lanes: hits.count >= 512 ? settings.writers : 1)
        var refused: [DetectedHit] = []
        if lanes.count == 1 {
            guard case .done(let r) = await applyLane(hits, replaying: replaying) else { return .unavailable }
            refused = r
        } else {
            let outcomes = await withTaskGroup(of: LaneOutcome.self) { group in
                for lane in lanes { group.addTask { await self.applyLane(lane, replaying: replaying) } }
                var all: [LaneOutcome] = []
                for await outcome in group { all.append(outcome) }
                return all
            }
            for outcome in outcomes {
                guard case .done(let r) = outcome else { return .unavailable }
                refused += r
            }
        }
        for hit in refused {
            do {
                try spool.quarantine(hit)
                metrics.rejected.increment()
                shared.withLock { $0.status.rejected += 1 }
                logger.error("hit refused by the database; kept in rejected.spool", metadata: [
                    "hit": "\(hit.hit.id)", "rule": "\(hit.hit.ruleID)", "customer": "\(hit.hit.customer)"])
            } catch {
                logger.error("cannot keep a refused hit", metadata: ["hit": "\(hit.hit.id)", "error": "\(error)"])
                return .unavailable
            }
        }
        return .done
    }

    enum LaneOutcome: Sendable {
        /// Applied, except the hits the database refused.
        case done(refused: [DetectedHit])
        case unavailable
    }

    private func applyLane(_ hits: [DetectedHit], replaying: Bool) async -> LaneOutcome {
        switch await attempt(hits, skipApplied: replaying) {
        case .success: return .done(refused: [])
        case .failure(.unavailable), .failure(.retryNow): return .unavailable
        case .failure(.rejected):
            logger.warning("the database refused a batch; applying its hits one by one", metadata: ["hits": "\(hits.count)"])
            var refused: [DetectedHit] = []
            for hit in hits {
                switch await attempt([hit], skipApplied: true) {
                case .success: continue
                case .failure(.rejected): refused.append(hit)
                case .failure: return .unavailable
                }
            }
            return .done(refused: refused)
        }
    }

    /// Splits hits into `lanes` groups by dedup key, keeping arrival order within each group.
    static func partition(_ hits: [DetectedHit], lanes: Int) -> [[DetectedHit]] {
        guard lanes > 1 else { return [hits] }
        var out = [[DetectedHit]](repeating: [], count: lanes)
        for hit in hits {
            out[Int(UInt(bitPattern: hit.key.hashValue) % UInt(lanes))].append(hit)
        }
        return out.filter { !$0.isEmpty }
    }

    private func attempt(_ hits: [DetectedHit], skipApplied: Bool) async -> Result<Void, Failure> {
        let policies = shared.withLock { $0.policies }
        var skipApplied = skipApplied
        for _ in 0..<5 {
            let start = ContinuousClock.now
            do {
                let writer = self.writer
                let client = self.client
                let now = clock.now
                let skip = skipApplied
                let outcome = try await Deadline.run(seconds: settings.applyTimeoutSeconds) {
                    try await writer.apply(hits, policies: policies, now: now, skipApplied: skip, client: client)
                }
                metrics.batchDuration.recordNanoseconds((ContinuousClock.now - start).wholeNanoseconds)
                metrics.batches.increment()
                metrics.applied.increment(by: outcome.applied)
                metrics.duplicates.increment(by: outcome.duplicates)
                // Committed: count the new incidents (a batch that timed out but committed is not counted).
                for created in outcome.createdIncidents {
                    metrics.incidents.created(customer: created.customer, priority: created.priority, reopened: created.reopened)
                }
                metrics.databaseDown.record(0)
                shared.withLock {
                    $0.status.applied += outcome.applied
                    $0.status.duplicates += outcome.duplicates
                    $0.status.databaseAvailable = true
                }
                return .success(())
            } catch {
                metrics.batchFailures.increment()
                let kind = IncidentSink.classify(error)
                switch kind {
                case .retryNow:
                    logger.debug("batch lost a race or holds applied hits; retrying", metadata: ["error": "\(String(reflecting: error))"])
                    skipApplied = true
                    continue
                case .unavailable:
                    let wasUp = shared.withLock { s -> Bool in
                        defer { s.status.databaseAvailable = false }
                        return s.status.databaseAvailable
                    }
                    metrics.databaseDown.record(1)
                    if wasUp {
                        logger.error("database unavailable; spooling hits", metadata: ["error": "\(String(reflecting: error))"])
                    }
                    return .failure(.unavailable)
                case .rejected:
                    logger.warning("database refused a batch", metadata: ["error": "\(String(reflecting: error))"])
                    return .failure(.rejected)
                }
            }
        }
        return .failure(.retryNow)
    }

    /// Sorts an error into: the database is away (spool and retry later), a lost race (retry now),
    /// or a refused value (split the batch, quarantine the culprit).
    static func classify(_ error: any Error) -> Failure {
        if let transaction = error as? PostgresTransactionError {
            if let inner = transaction.closureError ?? transaction.commitError ?? transaction.beginError {
                return classify(inner)
            }
            return .unavailable
        }
        if error is IncidentWriterError { return .retryNow }
        if let psql = error as? PSQLError {
            guard let state = psql.serverInfo?[.sqlState] else { return .unavailable }
            if state == "40001" || state == "40P01" || state == "55P03" { return .retryNow }
            switch state.prefix(2) {
            case "22", "23", "54": return .rejected
            default: return .unavailable
            }
        }
        return .unavailable
    }

    // MARK: Bookkeeping

    private func markProcessed(_ count: Int) {
        let ready = shared.withLock { s -> [CheckedContinuation<Void, Never>] in
            s.processed += count
            let done = s.waiters.filter { $0.target <= s.processed }.map(\.continuation)
            s.waiters.removeAll { $0.target <= s.processed }
            return done
        }
        for c in ready { c.resume() }
    }

    private func finishWaiters() {
        let all = shared.withLock { s -> [CheckedContinuation<Void, Never>] in
            defer { s.waiters = [] }
            return s.waiters.map(\.continuation)
        }
        for c in all { c.resume() }
    }

    private func publish(_ spool: HitSpool) {
        metrics.spoolBytes.record(spool.fileSize)
        metrics.spoolPendingHits.record(spool.pendingRecords)
        let alarm = spool.fileSize >= settings.spoolAlarmBytes
        metrics.spoolAlarm.record(alarm ? 1 : 0)
        let wasAlarm = shared.withLock { s -> Bool in
            let before = s.status.spoolBytes >= settings.spoolAlarmBytes
            s.status.spoolBytes = spool.fileSize
            s.status.spoolPendingHits = spool.pendingRecords
            return before
        }
        if alarm && !wasAlarm {
            logger.critical("spool above its alarm threshold", metadata: ["bytes": "\(spool.fileSize)", "max": "\(settings.spoolMaxBytes)"])
        }
    }

    private func loadPoliciesIfPossible() async {
        let client = self.client
        let logger = self.logger
        do {
            let policies = try await Deadline.run(seconds: min(5, settings.applyTimeoutSeconds)) {
                try await IncidentRepository(client: client, logger: logger).slaPolicies()
            }
            shared.withLock { s in
                for (customer, policy) in policies where s.policies[customer] == nil { s.policies[customer] = policy }
            }
        } catch {
            logger.debug("could not load SLA policies at start", metadata: ["error": "\(error)"])
        }
    }
}

/// Runs work with a time limit that holds even when the work ignores cancellation (a hung connection):
/// the caller gets ``DeadlineExceeded`` and the work is cancelled and left to finish on its own.
enum Deadline {
    struct DeadlineExceeded: Error {}

    /// The continuation (resumed once, by whoever comes first) and the two tasks racing for it.
    private final class Race<T: Sendable>: Sendable {
        let continuation = Mutex<CheckedContinuation<T, any Error>?>(nil)
        let tasks = Mutex<(worker: Task<Void, Never>?, timer: Task<Void, Never>?)>((nil, nil))

        func take() -> CheckedContinuation<T, any Error>? {
            continuation.withLock { c in
                defer { c = nil }
                return c
            }
        }
    }

    static func run<T: Sendable>(seconds: Double, _ work: @escaping @Sendable () async throws -> T) async throws -> T {
        let race = Race<T>()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
                race.continuation.withLock { $0 = continuation }
                let worker = Task {
                    do {
                        let value = try await work()
                        race.take()?.resume(returning: value)
                    } catch {
                        race.take()?.resume(throwing: error)
                    }
                    race.tasks.withLock { $0.timer?.cancel() }
                }
                let timer = Task {
                    try? await Task.sleep(for: .milliseconds(Int64(seconds * 1000)))
                    if Task.isCancelled { return }
                    if let c = race.take() {
                        worker.cancel()
                        c.resume(throwing: DeadlineExceeded())
                    }
                }
                race.tasks.withLock { $0 = (worker, timer) }
            }
        } onCancel: {
            let tasks = race.tasks.withLock { $0 }
            tasks.worker?.cancel()
            tasks.timer?.cancel()
            race.take()?.resume(throwing: CancellationError())
        }
    }
}

extension Duration {
    var wholeNanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
