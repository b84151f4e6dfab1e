import Foundation
import Synchronization
import Logging
import PostgresNIO
import VigilDetection
import VigilEvents
import VigilIncidents

/// Applies a batch of hits to the incident tables in one transaction, with a fixed number of statements
/// per batch (arrays bound as parameters and `unnest`ed), so the cost per hit stays small.
///
/// Steps: (when asked, or on a retry) skip hits the timeline already holds; lock the open incidents of the batch's
/// keys (`FOR UPDATE`); let ``IncidentPlanner`` decide per key; insert new incidents with
/// `ON CONFLICT (dedup_hash) WHERE status IN ('new','acknowledged') DO NOTHING` against the unique partial index;
/// update the others; append the timeline (one `hit` row per hit) and the evidence; `NOTIFY vigil_incident`.
///
/// Exactly once: every hit has one timeline row of kind `hit`, unique by `hit_id` (index incident_timeline_hit).
/// If the timeline insert violates that index, some hit was applied before (a spool replay) or concurrently; the
/// transaction rolls back and the batch throws ``IncidentWriterError/duplicateHits``: the caller retries with
/// `skipApplied`, which drops those hits first. A concurrent writer that created the same
/// key first makes the batch throw ``IncidentWriterError/raceLost``; retrying then sees the other writer's row.
struct IncidentWriter: Sendable {
    var planner: IncidentPlanner
    var logger: Logger
    /// Customers known to exist in `vigil.customers`, so most batches skip the upsert.
    let knownCustomers = KnownCustomers()

    /// The channel the on-call engine listens on; the payload is the incident id.
    static let notifyChannel = "vigil_incident"
    /// The unique index that makes each hit's timeline entry, and so the hit, count once.
    static let hitIndex = "incident_timeline_hit"

    struct Outcome: Sendable, Hashable {
        var applied = 0
        var duplicates = 0
        var created = 0
        var updated = 0
        var touchedIncidents: [Int64] = []
        /// The incidents inserted, for the metrics (counted by the caller once the transaction committed).
        var createdIncidents: [CreatedIncident] = []
    }

    /// A new incident row: whom it is for, its priority, and whether it reopens a closed incident.
    struct CreatedIncident: Sendable, Hashable {
        var customer: String
        var priority: Priority
        var reopened: Bool
    }

    func apply(_ hits: [DetectedHit], policies: [CustomerID: SLAPolicy], now: Timestamp, skipApplied: Bool,
               client: PostgresClient) async throws -> Outcome {
        try await client.withTransaction(logger: logger) { connection in
            try await apply(hits, policies: policies, now: now, skipApplied: skipApplied, on: connection)
        }
    }

    /// - Parameter skipApplied: look up and drop hits already applied first (spool replays, retries);
    ///   without it a duplicate makes the batch throw ``IncidentWriterError/duplicateHits``.
    func apply(_ hits: [DetectedHit], policies: [CustomerID: SLAPolicy], now: Timestamp, skipApplied: Bool,
               on connection: PostgresConnection) async throws -> Outcome {
        var outcome = Outcome()
        guard !hits.isEmpty else { return outcome }
        let nowDate = now.instant

        // Within the batch, a hit id counts once.
        var seen = Set<UUID>()
        let unique = hits.filter { seen.insert($0.hit.id).inserted }
        outcome.duplicates = hits.count - unique.count

        let customers = Array(Set(unique.map { $0.hit.customer.rawValue.postgresSafe })).sorted()
        if !knownCustomers.containsAll(customers) {
            try await connection.query("""
                INSERT INTO vigil.customers (id, name) SELECT c, c FROM unnest(\(customers)::text[]) AS c ON CONFLICT (id) DO NOTHING
                """, logger: logger)
            knownCustomers.pendingInsert(customers)
        }

        var applied = Set<UUID>()
        if skipApplied {
            let ids = unique.map(\.hit.id)
            let rows = try await connection.query("""
                SELECT hit_id FROM vigil.incident_timeline WHERE kind = 'hit' AND hit_id = ANY(\(ids)::uuid[])
                """, logger: logger)
            for try await id in rows.decode(UUID.self) { applied.insert(id) }
        }
        let fresh = unique.filter { !applied.contains($0.hit.id) }
        outcome.duplicates += applied.count
        guard !fresh.isEmpty else { return outcome }

        let groups = IncidentPlanner.group(fresh)
        let keys = groups.map { $0.key.rawValue }
        var open: [String: OpenIncident] = [:]
        let openRows = try await connection.query("""
            SELECT id, dedup_key, level, impact, urgency, detected_at, evidence_count
            FROM vigil.incidents
            WHERE dedup_hash = ANY(ARRAY(SELECT vigil.dedup_hash(k) FROM unnest(\(keys)::text[]) AS k))
              AND status IN ('new', 'acknowledged')
            ORDER BY id
            FOR UPDATE
            """, logger: logger)
        for try await (id, key, level, impact, urgency, detected, evidenceCount) in openRows.decode((Int64, String, String, String, String, Date, Int).self) {
            guard let level = Level(rawValue: level), let impact = Grade(rawValue: impact), let urgency = Grade(rawValue: urgency) else {
                throw StoreError(.unexpectedValue, "incident \(id) has an unknown level, impact or urgency")
            }
            open[key] = OpenIncident(id: id, classification: Classification(level: level, impact: impact, urgency: urgency),
                                     detectedAt: Timestamp(date: detected), evidenceCount: evidenceCount)
        }
        var previous: [String: Int64] = [:]
        let missing = keys.filter { open[$0] == nil }
        if !missing.isEmpty {
            let rows = try await connection.query("""
                SELECT DISTINCT ON (dedup_hash) dedup_key, id
                FROM vigil.incidents
                WHERE dedup_hash = ANY(ARRAY(SELECT vigil.dedup_hash(k) FROM unnest(\(missing)::text[]) AS k))
                ORDER BY dedup_hash, id DESC
                """, logger: logger)
            for try await (key, id) in rows.decode((String, Int64).self) { previous[key] = id }
        }

        var creates: [NewIncident] = []
        var updates: [IncidentUpdate] = []
        // Keys in a fixed order, so concurrent writers insert (and wait on) index entries in the same order.
        for (raw, group) in zip(keys, groups).sorted(by: { $0.0 < $1.0 }) {
            let (key, hits) = group
            switch planner.plan(hits: hits, open: open[raw], previousID: previous[raw], sla: policies[key.customer] ?? .standard) {
            case .create(let n): creates.append(n)
            case .update(let u): updates.append(u)
            }
        }

        var incidentIDs: [String: Int64] = [:]
        if !creates.isEmpty {
            var inserted = 0
            do {
                let rows = try await connection.query(Self.insertQuery(creates, now: nowDate), logger: logger)
                for try await (id, key) in rows.decode((Int64, String).self) {
                    incidentIDs[key] = id
                    inserted += 1
                }
            } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23503" {
                // A customer the cache knew is gone (the database was replaced, or its insert rolled back): forget, retry.
                knownCustomers.forget()
                throw IncidentWriterError(code: .raceLost)
            }
            if inserted != creates.count { throw IncidentWriterError(code: .raceLost) }
        }
        if !updates.isEmpty {
            try await connection.query(Self.updateQuery(updates, now: nowDate), logger: logger)
        }

        // Timeline and evidence, in plan order.
        var timeline = TimelineColumns()
        var evidence = EvidenceColumns()
        var touched: [Int64] = []
        func record(_ id: Int64, customer: String, plan: IncidentPlan) {
            touched.append(id)
            for entry in plan.timeline { timeline.append(entry, incident: id, customer: customer) }
            for item in plan.evidence { evidence.append(item, incident: id, customer: customer) }
        }
        for n in creates {
            record(incidentIDs[n.key.rawValue]!, customer: n.key.customer.rawValue.postgresSafe, plan: .create(n))
        }
        let customerOf = Dictionary(groups.map { ($0.key.rawValue, $0.key.customer.rawValue.postgresSafe) }, uniquingKeysWith: { a, _ in a })
        let keyOfOpen = Dictionary(open.map { ($0.value.id, $0.key) }, uniquingKeysWith: { a, _ in a })
        for u in updates {
            record(u.id, customer: customerOf[keyOfOpen[u.id]!]!, plan: .update(u))
        }

        do {
            try await connection.query("""
                INSERT INTO vigil.incident_timeline (incident_id, customer_id, at, kind, actor, detail, hit_id, from_value, to_value, recorded_at)
                SELECT t.i, t.c, t.at, t.k, t.a, t.d, NULLIF(t.h, '00000000-0000-0000-0000-000000000000'::uuid), NULLIF(t.f, ''), NULLIF(t.o, ''), \(nowDate)
                FROM unnest(\(timeline.incident)::int8[], \(timeline.customer)::text[], \(timeline.at)::timestamptz[], \(timeline.kind)::text[],
                            \(timeline.actor)::text[], \(timeline.detail)::text[], \(timeline.hit)::uuid[], \(timeline.from)::text[], \(timeline.to)::text[])
                     AS t(i, c, at, k, a, d, h, f, o)
                """, logger: logger)
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23505" && error.serverInfo?[.constraintName] == Self.hitIndex {
            // A plain insert is cheaper than ON CONFLICT; a duplicate (a replay, or another writer) is rare.
            throw IncidentWriterError(code: .duplicateHits)
        }

        if !evidence.incident.isEmpty {
            try await connection.query("""
                INSERT INTO vigil.incident_evidence (incident_id, customer_id, hit_id, event_sequence, event_time, received_time, format, listener, peer, message, fields, raw)
                SELECT t.i, t.c, t.h, t.s, t.et, t.rt, t.f, t.l, t.p, t.m, t.e::jsonb, t.r
                FROM unnest(\(evidence.incident)::int8[], \(evidence.customer)::text[], \(evidence.hit)::uuid[], \(evidence.sequence)::int8[],
                            \(evidence.eventTime)::timestamptz[], \(evidence.receivedTime)::timestamptz[], \(evidence.format)::text[],
                            \(evidence.listener)::text[], \(evidence.peer)::text[], \(evidence.message)::text[], \(evidence.json)::text[], \(evidence.raw)::bytea[])
                     AS t(i, c, h, s, et, rt, f, l, p, m, e, r)
                """, logger: logger)
        }
        try await connection.query("""
            SELECT pg_notify(\(Self.notifyChannel), x::text) FROM unnest(\(touched)::int8[]) AS x
            """, logger: logger)

        outcome.applied = fresh.count
        outcome.created = creates.count
        outcome.createdIncidents = creates.map {
            CreatedIncident(customer: $0.key.customer.rawValue.postgresSafe, priority: $0.priority, reopened: $0.reopenedFrom != nil)
        }
        outcome.updated = updates.count
        outcome.touchedIncidents = touched
        return outcome
    }

    // MARK: Statements

    static func insertQuery(_ creates: [NewIncident], now: PostgresInstant) -> PostgresQuery {
        var customer: [String] = [], rule: [String] = [], title: [String] = [], key: [String] = []
        var level: [String] = [], impact: [String] = [], urgency: [String] = [], priority: [String] = []
        var sla: [Double] = [], first: [PostgresInstant] = [], last: [PostgresInstant] = [], detected: [PostgresInstant] = []
        var hits: [Int] = [], events: [Int] = [], groupJSON: [String] = [], summary: [String] = []
        var steps: [String] = [], tags: [String] = [], overrideLevel: [String] = [], overrideBy: [String] = [], overrideReason: [String] = []
        var evidenceCount: [Int] = [], overflow: [Int] = [], reopened: [Int64] = []
        for n in creates {
            customer.append(n.key.customer.rawValue.postgresSafe)
            rule.append(n.key.ruleID.postgresSafe)
            title.append(n.ruleTitle.postgresSafe)
            key.append(n.key.rawValue)
            level.append(n.classification.level.rawValue)
            impact.append(n.classification.impact.rawValue)
            urgency.append(n.classification.urgency.rawValue)
            priority.append(n.priority.label)
            sla.append(n.slaTarget.map(\.wholeSeconds) ?? -1)
            first.append(n.firstTime.instant)
            last.append(n.lastTime.instant)
            detected.append(n.detectedAt.instant)
            hits.append(n.hitIDs.count)
            events.append(n.eventCount)
            groupJSON.append(groupValuesJSON(n.key.group))
            summary.append(n.summary.postgresSafe)
            steps.append(jsonArray(n.responseSteps))
            tags.append(jsonArray(n.tags))
            overrideLevel.append(n.severityOverride?.level.rawValue ?? "")
            overrideBy.append(n.severityOverride?.requestedBy.postgresSafe ?? "")
            overrideReason.append(n.severityOverride?.reason.postgresSafe ?? "")
            evidenceCount.append(n.evidence.count)
            overflow.append(n.evidenceOverflow)
            reopened.append(n.reopenedFrom ?? 0)
        }
        return """
            INSERT INTO vigil.incidents (customer_id, rule_id, rule_title, dedup_key, status, level, impact, urgency, priority,
                sla_target, due_at, first_event_at, last_event_at, detected_at, created_at, updated_at, hit_count, event_count,
                group_values, summary, response_steps, tags, severity_override_level, severity_override_by, severity_override_reason,
                evidence_count, evidence_overflow, reopened_from)
            SELECT t.customer, t.rule, t.title, t.key, 'new', t.level, t.impact, t.urgency, t.priority,
                CASE WHEN t.sla < 0 THEN NULL ELSE make_interval(secs => t.sla) END,
                CASE WHEN t.sla < 0 THEN NULL ELSE t.detected + make_interval(secs => t.sla) END,
                t.first, t.last, t.detected, \(now), \(now), t.hits, t.events,
                t.groups::jsonb, t.summary,
                ARRAY(SELECT jsonb_array_elements_text(t.steps::jsonb)), ARRAY(SELECT jsonb_array_elements_text(t.tags::jsonb)),
                NULLIF(t.olevel, ''), NULLIF(t.oby, ''), NULLIF(t.oreason, ''),
                t.evidence, t.overflow, NULLIF(t.reopened, 0)
            FROM unnest(\(customer)::text[], \(rule)::text[], \(title)::text[], \(key)::text[], \(level)::text[], \(impact)::text[],
                        \(urgency)::text[], \(priority)::text[], \(sla)::float8[], \(first)::timestamptz[], \(last)::timestamptz[],
                        \(detected)::timestamptz[], \(hits)::int8[], \(events)::int8[], \(groupJSON)::text[], \(summary)::text[],
                        \(steps)::text[], \(tags)::text[], \(overrideLevel)::text[], \(overrideBy)::text[], \(overrideReason)::text[],
                        \(evidenceCount)::int8[], \(overflow)::int8[], \(reopened)::int8[])
                 AS t(customer, rule, title, key, level, impact, urgency, priority, sla, first, last, detected, hits, events,
                      groups, summary, steps, tags, olevel, oby, oreason, evidence, overflow, reopened)
            ON CONFLICT (dedup_hash) WHERE status IN ('new', 'acknowledged') DO NOTHING
            RETURNING id, dedup_key
            """
    }

    static func updateQuery(_ updates: [IncidentUpdate], now: PostgresInstant) -> PostgresQuery {
        var id: [Int64] = [], hits: [Int] = [], events: [Int] = [], first: [PostgresInstant] = [], last: [PostgresInstant] = []
        var reclassified: [Bool] = [], level: [String] = [], impact: [String] = [], urgency: [String] = [], priority: [String] = []
        var sla: [Double] = [], overrideLevel: [String] = [], overrideBy: [String] = [], overrideReason: [String] = []
        var evidence: [Int] = [], overflow: [Int] = []
        for u in updates {
            id.append(u.id)
            hits.append(u.hitIDs.count)
            events.append(u.eventCount)
            first.append(u.firstTime.instant)
            last.append(u.lastTime.instant)
            reclassified.append(u.reclassified)
            level.append(u.classification.level.rawValue)
            impact.append(u.classification.impact.rawValue)
            urgency.append(u.classification.urgency.rawValue)
            priority.append(u.priority.label)
            sla.append(u.slaTarget.map(\.wholeSeconds) ?? -1)
            overrideLevel.append(u.severityOverride?.level.rawValue ?? "")
            overrideBy.append(u.severityOverride?.requestedBy.postgresSafe ?? "")
            overrideReason.append(u.severityOverride?.reason.postgresSafe ?? "")
            evidence.append(u.evidence.count)
            overflow.append(u.evidenceOverflow)
        }
        return """
            UPDATE vigil.incidents AS i SET
                hit_count = i.hit_count + u.hits,
                event_count = i.event_count + u.events,
                first_event_at = LEAST(i.first_event_at, u.first),
                last_event_at = GREATEST(i.last_event_at, u.last),
                level = u.level, impact = u.impact, urgency = u.urgency, priority = u.priority,
                sla_target = CASE WHEN NOT u.reclassified THEN i.sla_target WHEN u.sla < 0 THEN NULL ELSE make_interval(secs => u.sla) END,
                due_at = CASE WHEN NOT u.reclassified THEN i.due_at WHEN u.sla < 0 THEN NULL ELSE i.detected_at + make_interval(secs => u.sla) END,
                severity_override_level = CASE WHEN u.olevel = '' THEN i.severity_override_level ELSE u.olevel END,
                severity_override_by = CASE WHEN u.olevel = '' THEN i.severity_override_by ELSE u.oby END,
                severity_override_reason = CASE WHEN u.olevel = '' THEN i.severity_override_reason ELSE u.oreason END,
                evidence_count = i.evidence_count + u.evidence,
                evidence_overflow = i.evidence_overflow + u.overflow,
                updated_at = \(now)
            FROM unnest(\(id)::int8[], \(hits)::int8[], \(events)::int8[], \(first)::timestamptz[], \(last)::timestamptz[],
                        \(reclassified)::bool[], \(level)::text[], \(impact)::text[], \(urgency)::text[], \(priority)::text[],
                        \(sla)::float8[], \(overrideLevel)::text[], \(overrideBy)::text[], \(overrideReason)::text[],
                        \(evidence)::int8[], \(overflow)::int8[])
                 AS u(id, hits, events, first, last, reclassified, level, impact, urgency, priority, sla, olevel, oby, oreason, evidence, overflow)
            WHERE i.id = u.id
            """
    }

    static func groupValuesJSON(_ group: [GroupValue]) -> String {
        var w = JSONWriter(capacity: 64)
        w.raw("[")
        for (i, g) in group.enumerated() {
            if i > 0 { w.raw(",") }
            w.raw("{\"field\":")
            w.quoted(g.field.postgresSafe)
            w.raw(",\"value\":")
            w.quoted(g.value.postgresSafe)
            w.raw("}")
        }
        w.raw("]")
        return w.string
    }

    static func jsonArray(_ items: [String]) -> String {
        var w = JSONWriter(capacity: 64)
        w.raw("[")
        for (i, s) in items.enumerated() {
            if i > 0 { w.raw(",") }
            w.quoted(s.postgresSafe)
        }
        w.raw("]")
        return w.string
    }
}

/// The customer ids known to be in `vigil.customers` (they are never deleted).
final class KnownCustomers: Sendable {
    private let known = Mutex<Set<String>>([])

    func containsAll(_ ids: [String]) -> Bool { known.withLock { set in ids.allSatisfy(set.contains) } }
    /// Called after the upsert; takes effect for later batches (the upsert commits with its batch).
    func pendingInsert(_ ids: [String]) { known.withLock { $0.formUnion(ids) } }
    func forget() { known.withLock { $0.removeAll() } }
}

/// Timeline rows as parallel arrays for `unnest`.
struct TimelineColumns {
    var incident: [Int64] = [], customer: [String] = [], at: [PostgresInstant] = [], kind: [String] = []
    var actor: [String] = [], detail: [String] = [], hit: [UUID] = [], from: [String] = [], to: [String] = []

    static let noHit = UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))

    mutating func append(_ entry: TimelineEntry, incident id: Int64, customer c: String) {
        incident.append(id)
        customer.append(c)
        at.append(entry.at.instant)
        kind.append(entry.kind.rawValue)
        actor.append(entry.actor.postgresSafe)
        detail.append(entry.detail.postgresSafe)
        hit.append(entry.hitID ?? Self.noHit)
        from.append(entry.from?.postgresSafe ?? "")
        to.append(entry.to?.postgresSafe ?? "")
    }
}

/// Evidence rows as parallel arrays for `unnest`.
struct EvidenceColumns {
    var incident: [Int64] = [], customer: [String] = [], hit: [UUID] = [], sequence: [Int64] = []
    var eventTime: [PostgresInstant] = [], receivedTime: [PostgresInstant] = [], format: [String] = [], listener: [String] = []
    var peer: [String] = [], message: [String] = [], json: [String] = [], raw: [ByteBuffer] = []

    mutating func append(_ item: EvidenceItem, incident id: Int64, customer c: String) {
        let event = item.event.postgresSafe
        incident.append(id)
        customer.append(c)
        hit.append(item.hitID)
        sequence.append(Int64(bitPattern: event.sequence))
        eventTime.append(event.eventTime.instant)
        receivedTime.append(event.receivedTime.instant)
        format.append(event.format.rawValue)
        listener.append(event.source.listener)
        peer.append(event.source.peer)
        message.append(event.message)
        var w = JSONWriter(capacity: 64 + event.fields.count * 32)
        w.object(event.fields.storage.map { ($0.path, $0.value) })
        json.append(w.string)
        raw.append(ByteBuffer(bytes: item.event.raw))
    }
}

extension Event {
    /// The event with NUL replaced in every string, so that text and jsonb columns accept it.
    var postgresSafe: Event {
        func clean(_ v: FieldValue) -> FieldValue {
            switch v {
            case .string(let s): .string(s.postgresSafe)
            case .array(let items): .array(items.map(clean))
            default: v
            }
        }
        func hasNUL(_ v: FieldValue) -> Bool {
            switch v {
            case .string(let s): s.utf8.contains(0)
            case .array(let items): items.contains(where: hasNUL)
            default: false
            }
        }
        let dirty = message.utf8.contains(0) || source.listener.utf8.contains(0) || source.peer.utf8.contains(0)
            || fields.contains { $0.path.utf8.contains(0) || hasNUL($0.value) }
        guard dirty else { return self }
        var copy = self
        copy.message = message.postgresSafe
        copy.source.listener = source.listener.postgresSafe
        copy.source.peer = source.peer.postgresSafe
        var cleaned = Fields(minimumCapacity: fields.count)
        for field in fields { cleaned.append(field.path.postgresSafe, clean(field.value)) }
        copy.fields = cleaned
        return copy
    }
}

/// A batch must be retried: it lost a race with another writer, or holds hits applied before.
struct IncidentWriterError: Error, Hashable {
    enum Code: Hashable {
        /// Another writer opened an incident for one of the keys first.
        case raceLost
        /// Some hits are in the timeline already; retry with `skipApplied`.
        case duplicateHits
    }

    var code: Code
}
