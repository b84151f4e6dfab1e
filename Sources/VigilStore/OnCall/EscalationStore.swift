import Foundation
import Logging
import PostgresNIO
import VigilEvents
import VigilIncidents
import VigilOnCall

/// The thin driver of the pure ``EscalationStateMachine`` over PostgreSQL.
///
/// Every change to an escalation happens in one transaction: read the incident and the machine (jsonb), feed the
/// events, perform the actions (outbox rows, timer rows, timeline entries, cancellations), write the machine back
/// with `version = version + 1 WHERE version = <read>` (optimistic lock; a lost race is retried from the start).
/// Timers and outbox rows are claimed `FOR UPDATE SKIP LOCKED`, so any number of instances share the work.
public struct EscalationStore: Sendable {
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger = Logger(label: "vigil.paging")) {
        self.client = client
        self.logger = logger
    }

    /// What a reconciliation did.
    public enum Outcome: Sendable, Hashable {
        /// Paging started with this policy.
        case started(policy: String)
        /// Events were fed to an existing escalation.
        case updated
        /// Nothing to do (already up to date, too old, not open, or no configuration).
        case unchanged
    }

    // MARK: Incidents

    /// Brings the escalation of `incidentID` in line with the incident: starts paging a new open incident, feeds
    /// priority changes, acknowledgements and resolutions. `acknowledgedBy` feeds an acknowledgement even when the
    /// incident row was already acknowledged (someone answering a page sent after an acknowledgement timeout).
    @discardableResult
    public func reconcile(_ incidentID: Int64, runtime: PagingRuntime?, now: Timestamp, maxIncidentAge: TimeSpan,
                          acknowledgedBy explicitAck: String? = nil) async throws -> Outcome {
        try await withRetries { c in
            guard let record = try await Self.incident(incidentID, on: c, logger: logger) else { return .unchanged }
            let stored = try await Self.escalation(incidentID, on: c, logger: logger)
            guard let stored else {
                guard let runtime, record.status == .new, record.createdAt >= now - maxIncidentAge else { return .unchanged }
                let incident = OnCallIncident(record: record, customerName: runtime.customerName(record.customer.rawValue))
                guard let route = PolicyRouter(config: runtime.config).route(incident) else { return .unchanged }
                var machine = EscalationStateMachine(incident: incident, policy: route.policy, retry: runtime.config.providers.retry)
                // The machine's first line names the policy; say why it was chosen.
                let actions = machine.handle(.triggered, at: now, directory: runtime.directory).map { action -> EscalationAction in
                    guard case .recordTimeline(var entry) = action, entry.kind == .triggered else { return action }
                    entry.text += " (chosen by \(Self.describe(route.reason)))"
                    return .recordTimeline(entry)
                }
                let rows = try await c.query("""
                    INSERT INTO vigil.escalations (incident_id, customer_id, policy_id, phase, state, version, created_at, updated_at)
                    VALUES (\(incidentID), \(record.customer.rawValue), \(route.policy.id), \(machine.phase.rawValue), \(try Self.encode(machine))::jsonb,
                            1, \(now.date), \(now.date))
                    ON CONFLICT (incident_id) DO NOTHING
                    RETURNING 1
                    """, logger: logger)
                guard try await rows.collect().count == 1 else { throw Retry() }
                try await perform(actions, incident: incident, record: record, runtime: runtime, now: now, on: c)
                return .started(policy: route.policy.id)
            }
            var machine = stored.machine
            var events: [EscalationEvent] = []
            var ackApplied = stored.ackAppliedAt
            if let runtime {
                let current = OnCallIncident(record: record, customerName: runtime.customerName(record.customer.rawValue))
                if current != machine.incident { events.append(.incidentUpdated(current)) }
            }
            switch record.status {
            case .resolved, .closed:
                if machine.phase != .resolved {
                    events.append(.resolved(by: record.resolvedBy ?? record.closedBy ?? TimelineEntry.systemActor))
                }
            case .acknowledged:
                if let at = record.acknowledgedAt, at != stored.ackAppliedAt {
                    events.append(.acknowledged(by: record.acknowledgedBy ?? TimelineEntry.systemActor))
                    ackApplied = at
                } else if let explicitAck, machine.phase == .escalating || machine.phase == .exhausted {
                    events.append(.acknowledged(by: explicitAck))
                }
            case .new:
                break
            }
            guard !events.isEmpty else { return .unchanged }
            let directory = runtime?.directory ?? OnCallDirectory(config: OnCallConfig())
            var actions: [EscalationAction] = []
            for event in events { actions += machine.handle(event, at: now, directory: directory) }
            try await save(machine, incidentID: incidentID, version: stored.version, ackAppliedAt: ackApplied, now: now, on: c)
            try await perform(actions, incident: machine.incident, record: record, runtime: runtime, now: now, on: c)
            return .updated
        }
    }

    /// Incidents a missed notification may have left behind: open and unpaged, or acknowledged/resolved with an escalation still paging.
    public func sweepCandidates(now: Timestamp, maxIncidentAge: TimeSpan, limit: Int = 500) async throws -> [Int64] {
        let rows = try await client.query("""
            (SELECT i.id FROM vigil.incidents i
             WHERE i.status = 'new' AND i.created_at >= \((now - maxIncidentAge).date)
               AND NOT EXISTS (SELECT 1 FROM vigil.escalations e WHERE e.incident_id = i.id)
             ORDER BY i.id LIMIT \(limit))
            UNION
            (SELECT e.incident_id FROM vigil.escalations e JOIN vigil.incidents i ON i.id = e.incident_id
             WHERE (e.phase <> 'resolved' AND i.status IN ('resolved', 'closed'))
                OR (e.phase IN ('escalating', 'exhausted') AND i.status = 'acknowledged' AND i.acknowledged_at IS DISTINCT FROM e.ack_applied_at)
             LIMIT \(limit))
            """, logger: logger)
        var ids: [Int64] = []
        for try await id in rows.decode(Int64.self) { ids.append(id) }
        return ids.sorted()
    }

    // MARK: Timers

    /// Claims one due timer (`FOR UPDATE SKIP LOCKED`, together with its escalation row), feeds it to the machine and
    /// deletes it, in one transaction. Returns false when no timer is due (or every due one is being handled elsewhere).
    public func fireNextTimer(runtime: PagingRuntime?, now: Timestamp) async throws -> Bool {
        try await withRetries { c in
            var claimed: (id: Int64, incident: Int64, timer: String)?
            for try await row in try await c.query("""
                SELECT t.id, t.incident_id, t.timer::text FROM vigil.escalation_timers t
                JOIN vigil.escalations e ON e.incident_id = t.incident_id
                WHERE t.due_at <= \(now.date)
                ORDER BY t.due_at, t.id
                LIMIT 1
                FOR UPDATE OF t, e SKIP LOCKED
                """, logger: logger).decode((Int64, Int64, String).self) {
                claimed = row
            }
            guard let claimed else { return false }
            try await c.query("DELETE FROM vigil.escalation_timers WHERE id = \(claimed.id)", logger: logger)
            guard let timer = try? JSONDecoder().decode(EscalationTimer.self, from: Data(claimed.timer.utf8)) else {
                logger.error("dropping an unreadable timer", metadata: ["incident": "\(claimed.incident)"])
                return true
            }
            guard let stored = try await Self.escalation(claimed.incident, on: c, logger: logger),
                  let record = try await Self.incident(claimed.incident, on: c, logger: logger) else { return true }
            var machine = stored.machine
            let directory = runtime?.directory ?? OnCallDirectory(config: OnCallConfig())
            let actions = machine.handle(.timerFired(timer), at: now, directory: directory)
            if machine != stored.machine {
                try await save(machine, incidentID: claimed.incident, version: stored.version, ackAppliedAt: stored.ackAppliedAt, now: now, on: c)
            }
            try await perform(actions, incident: machine.incident, record: record, runtime: runtime, now: now, on: c)
            return true
        }
    }

    // MARK: Outbox

    /// Claims up to `limit` due pages: pending ones, and sending ones whose lease lapsed (sent again with the same key).
    /// They are marked `sending` with a fresh fencing token and committed before anything is sent.
    public func claimPages(instance: String, lease: TimeSpan, now: Timestamp, limit: Int) async throws -> [ClaimedPage] {
        guard limit > 0 else { return [] }
        let rows = try await client.query("""
            WITH due AS (
                SELECT id FROM vigil.page_outbox
                WHERE (status = 'pending' AND due_at <= \(now.date)) OR (status = 'sending' AND lease_until <= \(now.date))
                ORDER BY due_at, id
                LIMIT \(limit)
                FOR UPDATE SKIP LOCKED)
            UPDATE vigil.page_outbox o
            SET status = 'sending', claimed_by = \(instance), claim_token = gen_random_uuid(), claimed_at = \(now.date),
                lease_until = \((now + lease).date), sends = o.sends + 1
            FROM due WHERE o.id = due.id
            RETURNING o.id, o.incident_id, o.message::text, o.claim_token, o.sends,
                CASE WHEN o.step_serial = 1 AND o.attempt = 1 AND o.sends = 1
                     THEN (SELECT i.created_at FROM vigil.incidents i WHERE i.id = o.incident_id) END,
                CASE WHEN o.step_serial = 1 AND o.attempt = 1 AND o.sends = 1
                     THEN (SELECT e.created_at FROM vigil.escalations e WHERE e.incident_id = o.incident_id) END
            """, logger: logger)
        var out: [ClaimedPage] = []
        for try await (id, incident, json, token, sends, created, started)
            in rows.decode((Int64, Int64, String, UUID, Int, Date?, Date?).self) {
            guard let message = try? JSONDecoder().decode(OutboundMessage.self, from: Data(json.utf8)) else {
                logger.error("an outbox row cannot be read; failing it", metadata: ["outbox_id": "\(id)"])
                try await client.query("""
                    UPDATE vigil.page_outbox SET status = 'failed', lease_until = NULL, last_error = 'unreadable message', finished_at = \(now.date)
                    WHERE id = \(id)
                    """, logger: logger)
                continue
            }
            let firstPage = created.map { created in
                ClaimedPage.FirstPage(incidentCreatedAt: Timestamp(date: created), pagingStartedAt: Timestamp(date: started ?? created))
            }
            out.append(ClaimedPage(id: id, incidentID: incident, message: message, token: token, sends: sends, firstPage: firstPage))
        }
        return out
    }

    /// Records how a claimed page went and feeds it to the machine, in one transaction. Nothing is recorded when the
    /// claim was lost (its lease lapsed and another instance took the page): that instance reports instead.
    /// Returns whether the outcome was recorded.
    @discardableResult
    public func recordOutcome(_ page: ClaimedPage, _ outcome: DeliveryOutcome, runtime: PagingRuntime?, now: Timestamp) async throws -> Bool {
        try await withRetries { c in
            let status = outcome.isDelivered ? "sent" : "failed"
            var providerID: String?, error: String?
            switch outcome {
            case .delivered(let id): providerID = id
            case .retryableFailure(let reason, _), .permanentFailure(let reason): error = reason
            }
            let fenced = try await c.query("""
                UPDATE vigil.page_outbox SET status = \(status), provider_id = \(providerID?.postgresSafe), last_error = \(error?.postgresSafe),
                    lease_until = NULL, finished_at = \(now.date)
                WHERE id = \(page.id) AND claim_token = \(page.token) AND status = 'sending'
                RETURNING 1
                """, logger: logger)
            guard try await fenced.collect().count == 1 else { return false }
            guard let stored = try await Self.escalation(page.incidentID, on: c, logger: logger),
                  let record = try await Self.incident(page.incidentID, on: c, logger: logger) else { return true }
            var machine = stored.machine
            let directory = runtime?.directory ?? OnCallDirectory(config: OnCallConfig())
            let actions = machine.handle(.deliveryReported(page.key, outcome), at: now, directory: directory)
            if machine != stored.machine {
                try await save(machine, incidentID: page.incidentID, version: stored.version, ackAppliedAt: stored.ackAppliedAt, now: now, on: c)
            }
            try await perform(actions, incident: machine.incident, record: record, runtime: runtime, now: now, on: c)
            return true
        }
    }

    /// Gives this instance's earlier claims back at start-up (it is not sending them any more), so a restart does
    /// not wait for their leases. They go out again with the same idempotency keys.
    @discardableResult
    public func releaseClaims(of instance: String, now: Timestamp) async throws -> Int {
        let rows = try await client.query("""
            UPDATE vigil.page_outbox SET status = 'pending', lease_until = NULL, due_at = \(now.date)
            WHERE status = 'sending' AND claimed_by = \(instance)
            RETURNING 1
            """, logger: logger)
        return try await rows.collect().count
    }

    /// The earliest moment anything becomes due: a timer, a pending page, or a lapsing lease.
    public func nextDue() async throws -> Timestamp? {
        let rows = try await client.query("""
            SELECT least((SELECT min(due_at) FROM vigil.escalation_timers),
                         (SELECT min(due_at) FROM vigil.page_outbox WHERE status = 'pending'),
                         (SELECT min(lease_until) FROM vigil.page_outbox WHERE status = 'sending'))
            """, logger: logger)
        var next: Date?
        for try await value in rows.decode(Date?.self) { next = value }
        return next.map(Timestamp.init(date:))
    }

    // MARK: Performing actions

    private func perform(_ actions: [EscalationAction], incident: OnCallIncident, record: IncidentRecord, runtime: PagingRuntime?,
                         now: Timestamp, on c: PostgresConnection) async throws {
        let incidentID = record.id
        let customer = record.customer.rawValue
        var wake = false
        var timeline: [TimelineEntry] = []
        for action in actions {
            switch action {
            case .notify(let request):
                guard let runtime else { continue }
                let message = runtime.composer.compose(request, incident: incident, at: now)
                let json = String(decoding: try JSONEncoder().encode(message), as: UTF8.self)
                try await c.query("""
                    INSERT INTO vigil.page_outbox (idempotency_key, incident_id, customer_id, step_serial, contact_id, attempt, kind, recipient,
                                                   message, status, due_at, created_at)
                    VALUES (\(request.key.description), \(incidentID), \(customer), \(request.key.step), \(request.key.contact), \(request.key.attempt),
                            \(request.contact.kind.rawValue), \(request.recipient.description), \(json.postgresSafe)::jsonb, 'pending', \(now.date), \(now.date))
                    ON CONFLICT (idempotency_key) DO NOTHING
                    """, logger: logger)
                wake = true
            case .scheduleTimer(let timer, let at):
                let json = String(decoding: try JSONEncoder().encode(timer), as: UTF8.self)
                try await c.query("""
                    INSERT INTO vigil.escalation_timers (incident_id, timer_key, timer, due_at, created_at)
                    VALUES (\(incidentID), \(timer.description), \(json)::jsonb, \(at.date), \(now.date))
                    ON CONFLICT (incident_id, timer_key) DO UPDATE SET timer = excluded.timer, due_at = excluded.due_at
                    """, logger: logger)
                wake = true
            case .cancelTimers:
                try await c.query("DELETE FROM vigil.escalation_timers WHERE incident_id = \(incidentID)", logger: logger)
                let cancelled = try await c.query("""
                    UPDATE vigil.page_outbox SET status = 'cancelled', finished_at = \(now.date)
                    WHERE incident_id = \(incidentID) AND status = 'pending'
                    RETURNING idempotency_key
                    """, logger: logger).collect().count
                if cancelled > 0 {
                    timeline.append(TimelineEntry(kind: .page, at: now, actor: TimelineEntry.systemActor,
                                                  detail: "cancelled: \(cancelled) page(s) not sent yet were dropped"))
                }
            case .recordTimeline(let entry):
                timeline.append(Self.incidentEntry(entry))
            case .stop:
                break
            }
        }
        if !timeline.isEmpty {
            var columns = TimelineColumns()
            for entry in timeline { columns.append(entry, incident: incidentID, customer: customer) }
            try await c.query("""
                INSERT INTO vigil.incident_timeline (incident_id, customer_id, at, kind, actor, detail, from_value, to_value)
                SELECT t.i, t.c, t.at, t.k, t.a, t.d, NULLIF(t.f, ''), NULLIF(t.o, '')
                FROM unnest(\(columns.incident)::int8[], \(columns.customer)::text[], \(columns.at)::timestamptz[], \(columns.kind)::text[],
                            \(columns.actor)::text[], \(columns.detail)::text[], \(columns.from)::text[], \(columns.to)::text[])
                     AS t(i, c, at, k, a, d, f, o)
                """, logger: logger)
        }
        if wake { try await c.query("SELECT pg_notify(\(OnCallConfigStore.notifyChannel), 'wake')", logger: logger) }
    }

    /// The machine's line for the incident timeline. Acknowledgement and resolution are already recorded by the
    /// incident lifecycle (with actor and time); the escalation's own line says that paging stopped.
    static func incidentEntry(_ entry: EscalationTimelineEntry) -> TimelineEntry {
        var out = entry.incidentEntry
        if entry.kind == .acknowledged || entry.kind == .resolved {
            out.kind = .escalation
            out.detail = "paging stopped, \(entry.text)"
        }
        return out
    }

    // MARK: Rows

    struct StoredEscalation {
        var machine: EscalationStateMachine
        var version: Int64
        var ackAppliedAt: Timestamp?
    }

    private func save(_ machine: EscalationStateMachine, incidentID: Int64, version: Int64, ackAppliedAt: Timestamp?, now: Timestamp,
                      on c: PostgresConnection) async throws {
        let rows = try await c.query("""
            UPDATE vigil.escalations SET state = \(try Self.encode(machine))::jsonb, phase = \(machine.phase.rawValue), version = version + 1,
                ack_applied_at = \(ackAppliedAt?.date), updated_at = \(now.date)
            WHERE incident_id = \(incidentID) AND version = \(version)
            RETURNING 1
            """, logger: logger)
        guard try await rows.collect().count == 1 else { throw Retry() }
    }

    static func encode(_ machine: EscalationStateMachine) throws -> String {
        String(decoding: try JSONEncoder().encode(machine), as: UTF8.self).postgresSafe
    }

    static func escalation(_ id: Int64, on c: PostgresConnection, logger: Logger) async throws -> StoredEscalation? {
        var found: StoredEscalation?
        for try await (json, version, ack) in try await c.query("""
            SELECT state::text, version, ack_applied_at FROM vigil.escalations WHERE incident_id = \(id)
            """, logger: logger).decode((String, Int64, Date?).self) {
            do {
                let machine = try JSONDecoder().decode(EscalationStateMachine.self, from: Data(json.utf8))
                found = StoredEscalation(machine: machine, version: version, ackAppliedAt: ack.map(Timestamp.init(date:)))
            } catch {
                throw OnCallStoreError(.invalidStoredValue, "the escalation of incident \(id) cannot be read: \(error)")
            }
        }
        return found
    }

    static func incident(_ id: Int64, on c: PostgresConnection, logger: Logger) async throws -> IncidentRecord? {
        var found: IncidentRecord?
        for try await row in try await c.query("SELECT \(unescaped: IncidentRecord.columns) FROM vigil.incidents WHERE id = \(id)", logger: logger) {
            found = try IncidentRecord(row: row)
        }
        return found
    }

    static func describe(_ reason: PolicyRouter.Reason) -> String {
        switch reason {
        case .playbook: "the customer's playbook"
        case .route(let index): "route \(index + 1)"
        case .customer: "the customer's entry"
        case .defaultPolicy: "default_policy"
        }
    }

    // MARK: Transactions

    /// Thrown inside a transaction to start it again: the optimistic lock was lost.
    struct Retry: Error {}

    /// Runs `body` in a transaction, again from the start after a lost optimistic lock, a deadlock or a serialization failure.
    func withRetries<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try await client.withTransaction(logger: logger) { c in try await body(c) }
            } catch let error as PostgresTransactionError {
                let inner = error.closureError ?? error.commitError ?? error.beginError ?? error.rollbackError
                if attempt < 8, Self.isRetryable(inner) { continue }
                if attempt >= 8, inner is Retry { throw OnCallStoreError(.contention, "the escalation kept changing under us; giving up for now") }
                throw inner ?? error
            }
        }
    }

    static func isRetryable(_ error: (any Error)?) -> Bool {
        if error is Retry { return true }
        if let psql = error as? PSQLError, let state = psql.serverInfo?[.sqlState] { return state == "40P01" || state == "40001" }
        return false
    }
}
