import Foundation
import Logging
import PostgresNIO
import VigilDetection
import VigilEvents
import VigilIncidents

/// Reads and changes incidents for the CLI and the on-call engine. Every value is a bound parameter.
///
/// Lifecycle changes run ``IncidentLifecycle`` against the row locked `FOR UPDATE`, write what it returns in the
/// same transaction, and send `NOTIFY vigil_incident_status, '<id>'` so listeners (the on-call engine) can stop
/// escalating. Times come from the injected clock.
public struct IncidentRepository: Sendable {
    public static let statusChannel = "vigil_incident_status"

    let client: PostgresClient
    let clock: any WallClock
    let logger: Logger

    public init(client: PostgresClient, clock: any WallClock = SystemClock(), logger: Logger = Logger(label: "vigil.incidents")) {
        self.client = client
        self.clock = clock
        self.logger = logger
    }

    // MARK: Reading

    public func list(_ filter: IncidentFilter = IncidentFilter()) async throws -> [IncidentRecord] {
        let statuses = (filter.statuses ?? [.new, .acknowledged]).map(\.rawValue)
        let customer = filter.customer?.rawValue
        let rows = try await client.query("""
            SELECT \(unescaped: IncidentRecord.columns) FROM vigil.incidents
            WHERE status = ANY(\(statuses)::text[]) AND (\(customer)::text IS NULL OR customer_id = \(customer)::text)
            ORDER BY priority, detected_at, id
            LIMIT \(filter.limit)
            """, logger: logger)
        var out: [IncidentRecord] = []
        for try await row in rows { out.append(try IncidentRecord(row: row)) }
        return out
    }

    public func incident(_ id: Int64) async throws -> IncidentRecord? {
        let rows = try await client.query("SELECT \(unescaped: IncidentRecord.columns) FROM vigil.incidents WHERE id = \(id)", logger: logger)
        var found: IncidentRecord?
        for try await row in rows { found = try IncidentRecord(row: row) }
        return found
    }

    public func timeline(_ id: Int64) async throws -> [TimelineRecord] {
        let rows = try await client.query("""
            SELECT id, at, kind, actor, detail, hit_id, from_value, to_value, recorded_at
            FROM vigil.incident_timeline WHERE incident_id = \(id) ORDER BY at, id
            """, logger: logger)
        var out: [TimelineRecord] = []
        for try await (rowID, at, kind, actor, detail, hit, from, to, recorded) in rows.decode((Int64, Date, String, String, String, UUID?, String?, String?, Date).self) {
            guard let kind = TimelineEntry.Kind(rawValue: kind) else { throw StoreError(.unexpectedValue, "unknown timeline kind '\(kind)'") }
            out.append(TimelineRecord(id: rowID, entry: TimelineEntry(kind: kind, at: Timestamp(date: at), actor: actor, detail: detail,
                                                                       hitID: hit, from: from, to: to),
                                      recordedAt: Timestamp(date: recorded)))
        }
        return out
    }

    public func evidence(_ id: Int64, limit: Int = 100) async throws -> [EvidenceRecord] {
        let rows = try await client.query("""
            SELECT id, hit_id, event_sequence, event_time, received_time, format, listener, peer, message, fields::text, raw
            FROM vigil.incident_evidence WHERE incident_id = \(id) ORDER BY id LIMIT \(limit)
            """, logger: logger)
        var out: [EvidenceRecord] = []
        for try await (rowID, hit, sequence, eventTime, received, format, listener, peer, message, json, raw)
            in rows.decode((Int64, UUID, Int64, Date, Date, String, String, String, String, String, ByteBuffer).self) {
            out.append(EvidenceRecord(id: rowID, hitID: hit, sequence: UInt64(bitPattern: sequence), eventTime: Timestamp(date: eventTime),
                                      receivedTime: Timestamp(date: received), format: format, listener: listener, peer: peer,
                                      message: message, fieldsJSON: json, raw: Array(raw.readableBytesView)))
        }
        return out
    }

    // MARK: Lifecycle

    public func acknowledge(_ id: Int64, by actor: String, note: String? = nil) async throws -> TransitionOutcome {
        try await perform(id) { .acknowledge(by: actor, at: $0, note: note) }
    }

    public func resolve(_ id: Int64, by actor: String, note: String? = nil) async throws -> TransitionOutcome {
        try await perform(id) { .resolve(by: actor, at: $0, note: note) }
    }

    public func close(_ id: Int64, by actor: String, note: String? = nil) async throws -> TransitionOutcome {
        try await perform(id) { .close(by: actor, at: $0, note: note) }
    }

    public func addNote(_ id: Int64, by actor: String, text: String) async throws {
        _ = try await perform(id) { .note(by: actor, at: $0, text: text) }
    }

    /// Appends an entry written by another part of Vigil (pages and escalations from the on-call engine).
    public func appendTimeline(_ id: Int64, _ entry: TimelineEntry) async throws {
        let logger = self.logger
        try await client.withTransaction(logger: logger) { connection in
            let rows = try await connection.query("""
                INSERT INTO vigil.incident_timeline (incident_id, customer_id, at, kind, actor, detail, hit_id, from_value, to_value)
                SELECT id, customer_id, \(entry.at.instant), \(entry.kind.rawValue), \(entry.actor.postgresSafe), \(entry.detail.postgresSafe),
                       \(entry.hitID), \(entry.from?.postgresSafe), \(entry.to?.postgresSafe)
                FROM vigil.incidents WHERE id = \(id)
                RETURNING 1
                """, logger: logger)
            var found = false
            for try await _ in rows { found = true }
            if !found { throw StoreError(.notFound, "no incident \(id)") }
        }
    }

    private func perform(_ id: Int64, _ command: @Sendable (Timestamp) -> IncidentLifecycle.Command) async throws -> TransitionOutcome {
        let now = clock.now
        let command = command(now)
        let logger = self.logger
        do {
            return try await client.withTransaction(logger: logger) { connection -> TransitionOutcome in
                var status: IncidentStatus?
                var customer = ""
                let rows = try await connection.query("SELECT status, customer_id FROM vigil.incidents WHERE id = \(id) FOR UPDATE", logger: logger)
                for try await (s, c) in rows.decode((String, String).self) {
                    status = IncidentStatus(rawValue: s)
                    customer = c
                }
                guard let before = status else { throw StoreError(.notFound, "no incident \(id)") }
                var machine = IncidentLifecycle(status: before)
                let actions = try machine.handle(command)
                guard !actions.isEmpty else { return .unchanged(before) }
                var stamps: [IncidentStatus: (Timestamp, String)] = [:]
                var entries: [TimelineEntry] = []
                var newStatus = before
                for action in actions {
                    switch action {
                    case .setStatus(let s): newStatus = s
                    case .stamp(let stage, let at, let by): stamps[stage] = (at, by)
                    case .appendTimeline(let entry): entries.append(entry)
                    }
                }
                if newStatus != before || !stamps.isEmpty {
                    let ack = stamps[.acknowledged], res = stamps[.resolved], clo = stamps[.closed]
                    try await connection.query("""
                        UPDATE vigil.incidents SET status = \(newStatus.rawValue),
                            acknowledged_at = coalesce(acknowledged_at, \(ack?.0.instant)), acknowledged_by = coalesce(acknowledged_by, \(ack?.1.postgresSafe)),
                            resolved_at = coalesce(resolved_at, \(res?.0.instant)), resolved_by = coalesce(resolved_by, \(res?.1.postgresSafe)),
                            closed_at = coalesce(closed_at, \(clo?.0.instant)), closed_by = coalesce(closed_by, \(clo?.1.postgresSafe)),
                            updated_at = \(now.instant)
                        WHERE id = \(id)
                        """, logger: logger)
                }
                var columns = TimelineColumns()
                for entry in entries { columns.append(entry, incident: id, customer: customer) }
                try await connection.query("""
                    INSERT INTO vigil.incident_timeline (incident_id, customer_id, at, kind, actor, detail, hit_id, from_value, to_value)
                    SELECT t.i, t.c, t.at, t.k, t.a, t.d, NULLIF(t.h, '00000000-0000-0000-0000-000000000000'::uuid), NULLIF(t.f, ''), NULLIF(t.o, '')
                    FROM unnest(\(columns.incident)::int8[], \(columns.customer)::text[], \(columns.at)::timestamptz[], \(columns.kind)::text[],
                                \(columns.actor)::text[], \(columns.detail)::text[], \(columns.hit)::uuid[], \(columns.from)::text[], \(columns.to)::text[])
                         AS t(i, c, at, k, a, d, h, f, o)
                    """, logger: logger)
                if newStatus != before {
                    try await connection.query("SELECT pg_notify(\(IncidentRepository.statusChannel), \(String(id)))", logger: logger)
                    return .changed(from: before, to: newStatus)
                }
                return .unchanged(before)
            }
        } catch let error as PostgresTransactionError {
            if let inner = error.closureError { throw inner }
            throw error
        }
    }

    // MARK: Customers and audit

    /// Upserts the playbooks' customers; returns the ids that were created or changed (each also audited).
    @discardableResult
    public func syncCustomers(_ customers: [CustomerRecord], actor: String = "vigil") async throws -> [CustomerID] {
        for customer in customers {
            do {
                _ = try customer.slaPolicy()
            } catch {
                throw StoreError(.invalidCustomer, "customer \(customer.id): \(error)")
            }
            guard customer.timeZone == "UTC" || TimeZone(identifier: customer.timeZone) != nil else {
                throw StoreError(.invalidCustomer, "customer \(customer.id): unknown time zone '\(customer.timeZone)'")
            }
        }
        guard !customers.isEmpty else { return [] }
        let ids = customers.map { $0.id.rawValue.postgresSafe }
        let names = customers.map { $0.name.postgresSafe }
        let zones = customers.map { $0.timeZone.postgresSafe }
        let hours = customers.map { $0.businessHours.postgresSafe }
        let sla = customers.map(\.slaOverridesJSON)
        let now = clock.now.instant
        let logger = self.logger
        do {
            return try await client.withTransaction(logger: logger) { connection -> [CustomerID] in
                let unknown = try await connection.query("""
                    SELECT z FROM unnest(\(zones)::text[]) AS z WHERE z <> 'UTC' AND NOT EXISTS (SELECT 1 FROM pg_timezone_names WHERE name = z)
                    """, logger: logger)
                for try await zone in unknown.decode(String.self) {
                    throw StoreError(.invalidCustomer, "time zone '\(zone)' is unknown to PostgreSQL")
                }
                let rows = try await connection.query("""
                    INSERT INTO vigil.customers AS c (id, name, time_zone, business_hours, sla_overrides, created_at, updated_at)
                    SELECT t.id, t.name, t.tz, t.hours, t.sla::jsonb, \(now), \(now)
                    FROM unnest(\(ids)::text[], \(names)::text[], \(zones)::text[], \(hours)::text[], \(sla)::text[]) AS t(id, name, tz, hours, sla)
                    ON CONFLICT (id) DO UPDATE SET name = excluded.name, time_zone = excluded.time_zone, business_hours = excluded.business_hours,
                        sla_overrides = excluded.sla_overrides, updated_at = excluded.updated_at
                    WHERE (c.name, c.time_zone, c.business_hours, c.sla_overrides) IS DISTINCT FROM
                          (excluded.name, excluded.time_zone, excluded.business_hours, excluded.sla_overrides)
                    RETURNING id, (xmax = 0) AS created
                    """, logger: logger)
                var changed: [(String, Bool)] = []
                for try await (id, created) in rows.decode((String, Bool).self) { changed.append((id, created)) }
                if !changed.isEmpty {
                    let changedIDs = changed.map(\.0)
                    let actions = changed.map { $0.1 ? "created" : "changed" }
                    try await connection.query("""
                        INSERT INTO vigil.config_audit (at, actor, object_type, object_id, action, customer_id, detail)
                        SELECT \(now), \(actor.postgresSafe), 'customer', c.id, t.action, c.id,
                               jsonb_build_object('name', c.name, 'time_zone', c.time_zone, 'business_hours', c.business_hours, 'sla_overrides', c.sla_overrides)
                        FROM unnest(\(changedIDs)::text[], \(actions)::text[]) AS t(id, action) JOIN vigil.customers c ON c.id = t.id
                        """, logger: logger)
                }
                return changed.map { CustomerID($0.0) }
            }
        } catch let error as PostgresTransactionError {
            if let inner = error.closureError { throw inner }
            throw error
        }
    }

    /// Every customer's SLA policy as stored; malformed overrides fall back to the defaults (and are logged).
    public func slaPolicies() async throws -> [CustomerID: SLAPolicy] {
        let rows = try await client.query("SELECT id, sla_overrides::text FROM vigil.customers", logger: logger)
        var out: [CustomerID: SLAPolicy] = [:]
        for try await (id, json) in rows.decode((String, String).self) {
            let text = (try? JSONDecoder().decode([String: String].self, from: Data(json.utf8))) ?? [:]
            do {
                out[CustomerID(id)] = try SLAPolicy(parsing: text)
            } catch {
                logger.warning("ignoring malformed SLA overrides", metadata: ["customer": "\(id)", "error": "\(error)"])
            }
        }
        return out
    }

    public func recordConfigChange(_ change: ConfigChange) async throws {
        try await client.query("""
            INSERT INTO vigil.config_audit (at, actor, object_type, object_id, action, customer_id, detail)
            VALUES (\(change.at.instant), \(change.actor.postgresSafe), \(change.objectType.postgresSafe), \(change.objectID.postgresSafe),
                    \(change.action.postgresSafe), \(change.customer?.rawValue.postgresSafe), \(change.detailJSON.postgresSafe)::jsonb)
            """, logger: logger)
    }
}
