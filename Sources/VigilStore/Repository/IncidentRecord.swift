import Foundation
import PostgresNIO
import VigilDetection
import VigilEvents
import VigilIncidents

/// One row of `vigil.incidents`, as the CLI and the on-call engine read it.
public struct IncidentRecord: Sendable, Hashable {
    public var id: Int64
    public var customer: CustomerID
    public var ruleID: String
    public var ruleTitle: String
    public var dedupKey: String
    public var status: IncidentStatus
    public var level: Level
    public var impact: Grade
    public var urgency: Grade
    public var priority: Priority
    /// nil when the priority's target is "scheduled".
    public var slaTarget: TimeSpan?
    public var dueAt: Timestamp?
    public var firstEventAt: Timestamp
    public var lastEventAt: Timestamp
    public var detectedAt: Timestamp
    public var createdAt: Timestamp
    public var updatedAt: Timestamp
    public var acknowledgedAt: Timestamp?
    public var acknowledgedBy: String?
    public var resolvedAt: Timestamp?
    public var resolvedBy: String?
    public var closedAt: Timestamp?
    public var closedBy: String?
    public var hitCount: Int
    public var eventCount: Int
    public var group: [GroupValue]
    public var summary: String
    public var responseSteps: [String]
    public var tags: [String]
    public var severityOverride: SeverityOverride?
    public var evidenceCount: Int
    public var evidenceOverflow: Int
    public var reopenedFrom: Int64?

    /// Time since detection.
    public func age(at now: Timestamp) -> TimeSpan { now - detectedAt }

    /// True when open and past its resolution target.
    public func isOverdue(at now: Timestamp) -> Bool {
        guard status.isOpen, let dueAt else { return false }
        return now > dueAt
    }

    static let columns = """
        id, customer_id, rule_id, rule_title, dedup_key, status, level, impact, urgency, priority,
        extract(epoch FROM sla_target)::float8 AS sla_seconds, due_at, first_event_at, last_event_at, detected_at, created_at,
        updated_at, acknowledged_at, acknowledged_by, resolved_at, resolved_by, closed_at, closed_by, hit_count, event_count,
        group_values::text AS group_values, summary, response_steps, tags, severity_override_level, severity_override_by,
        severity_override_reason, evidence_count, evidence_overflow, reopened_from
        """

    init(row: PostgresRow) throws {
        let r = row.makeRandomAccess()
        func value<T: PostgresDecodable>(_ name: String, _ type: T.Type) throws -> T { try r[name].decode(T.self) }
        func time(_ name: String) throws -> Timestamp { Timestamp(date: try value(name, Date.self)) }
        func optionalTime(_ name: String) throws -> Timestamp? { try value(name, Date?.self).map(Timestamp.init(date:)) }
        func parse<T>(_ name: String, _ make: (String) -> T?) throws -> T {
            let text = try value(name, String.self)
            guard let parsed = make(text) else { throw StoreError(.unexpectedValue, "unexpected \(name) '\(text)'") }
            return parsed
        }
        id = try value("id", Int64.self)
        customer = CustomerID(try value("customer_id", String.self))
        ruleID = try value("rule_id", String.self)
        ruleTitle = try value("rule_title", String.self)
        dedupKey = try value("dedup_key", String.self)
        status = try parse("status", IncidentStatus.init(rawValue:))
        level = try parse("level", Level.init(rawValue:))
        impact = try parse("impact", Grade.init(rawValue:))
        urgency = try parse("urgency", Grade.init(rawValue:))
        priority = try parse("priority") { Priority(label: $0) }
        slaTarget = try value("sla_seconds", Double?.self).map { TimeSpan(nanoseconds: Int64(($0 * 1e9).rounded())) }
        dueAt = try optionalTime("due_at")
        firstEventAt = try time("first_event_at")
        lastEventAt = try time("last_event_at")
        detectedAt = try time("detected_at")
        createdAt = try time("created_at")
        updatedAt = try time("updated_at")
        acknowledgedAt = try optionalTime("acknowledged_at")
        acknowledgedBy = try value("acknowledged_by", String?.self)
        resolvedAt = try optionalTime("resolved_at")
        resolvedBy = try value("resolved_by", String?.self)
        closedAt = try optionalTime("closed_at")
        closedBy = try value("closed_by", String?.self)
        hitCount = Int(try value("hit_count", Int32.self))
        eventCount = Int(try value("event_count", Int64.self))
        let groupJSON = try value("group_values", String.self)
        group = (try? JSONDecoder().decode([GroupValue].self, from: Data(groupJSON.utf8))) ?? []
        summary = try value("summary", String.self)
        responseSteps = try value("response_steps", [String].self)
        tags = try value("tags", [String].self)
        if let l = try value("severity_override_level", String?.self), let level = Level(rawValue: l) {
            severityOverride = SeverityOverride(level: level, requestedBy: try value("severity_override_by", String?.self) ?? "",
                                                reason: try value("severity_override_reason", String?.self) ?? "")
        }
        evidenceCount = Int(try value("evidence_count", Int32.self))
        evidenceOverflow = Int(try value("evidence_overflow", Int64.self))
        reopenedFrom = try value("reopened_from", Int64?.self)
    }

    /// One JSON object (times in RFC 3339 UTC), as `vigil incidents list --json` prints it.
    public func writeJSON(into w: inout JSONWriter) {
        func key(_ k: String, first: Bool = false) {
            if !first { w.raw(",") }
            w.quoted(k)
            w.raw(":")
        }
        func string(_ k: String, _ v: String?) {
            key(k)
            if let v { w.quoted(v) } else { w.raw("null") }
        }
        func time(_ k: String, _ v: Timestamp?) { string(k, v?.rfc3339) }
        w.raw("{")
        key("id", first: true); w.raw(String(id))
        string("customer", customer.rawValue)
        string("rule_id", ruleID)
        string("rule_title", ruleTitle)
        string("status", status.rawValue)
        string("priority", priority.label)
        string("level", level.rawValue)
        string("impact", impact.rawValue)
        string("urgency", urgency.rawValue)
        key("sla_target_seconds"); w.raw(slaTarget.map { String(Int64($0.seconds)) } ?? "null")
        time("due_at", dueAt)
        time("first_event_at", firstEventAt)
        time("last_event_at", lastEventAt)
        time("detected_at", detectedAt)
        time("created_at", createdAt)
        time("acknowledged_at", acknowledgedAt)
        string("acknowledged_by", acknowledgedBy)
        time("resolved_at", resolvedAt)
        string("resolved_by", resolvedBy)
        time("closed_at", closedAt)
        string("closed_by", closedBy)
        key("hit_count"); w.raw(String(hitCount))
        key("event_count"); w.raw(String(eventCount))
        key("group"); w.object(group.map { ($0.field, FieldValue.string($0.value)) })
        string("summary", summary)
        key("response_steps"); w.value(.array(responseSteps.map { .string($0) }))
        key("tags"); w.value(.array(tags.map { .string($0) }))
        if let o = severityOverride {
            key("severity_override")
            w.object([("level", .string(o.level.rawValue)), ("requested_by", .string(o.requestedBy)), ("reason", .string(o.reason))])
        }
        key("evidence_count"); w.raw(String(evidenceCount))
        key("evidence_overflow"); w.raw(String(evidenceOverflow))
        key("reopened_from"); w.raw(reopenedFrom.map(String.init) ?? "null")
        w.raw("}")
    }
}

/// One timeline entry as stored.
public struct TimelineRecord: Sendable, Hashable {
    public var id: Int64
    public var entry: TimelineEntry
    public var recordedAt: Timestamp
}

/// One stored evidence event.
public struct EvidenceRecord: Sendable, Hashable {
    public var id: Int64
    public var hitID: UUID
    public var sequence: UInt64
    public var eventTime: Timestamp
    public var receivedTime: Timestamp
    public var format: String
    public var listener: String
    public var peer: String
    public var message: String
    /// The parsed fields as a JSON object keyed by dotted path.
    public var fieldsJSON: String
    /// The frame as received.
    public var raw: [UInt8]
}

/// Which incidents to list.
public struct IncidentFilter: Sendable, Hashable {
    public var customer: CustomerID?
    /// nil means open (new and acknowledged).
    public var statuses: [IncidentStatus]?
    public var limit: Int

    public init(customer: CustomerID? = nil, statuses: [IncidentStatus]? = nil, limit: Int = 200) {
        self.customer = customer
        self.statuses = statuses
        self.limit = limit
    }
}

/// What a lifecycle command did.
public enum TransitionOutcome: Sendable, Hashable {
    case changed(from: IncidentStatus, to: IncidentStatus)
    /// The incident was already in that stage; nothing was written.
    case unchanged(IncidentStatus)
}
