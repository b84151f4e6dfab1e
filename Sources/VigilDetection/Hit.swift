import Foundation
import VigilEvents

/// What the engine emits when a rule fires: the input to incidents.
public struct Hit: Sendable {
    /// Unique per hit; the incident store uses it to apply a hit exactly once.
    public var id: UUID
    public var ruleID: String
    public var ruleTitle: String
    public var customer: CustomerID
    /// The level after playbook overrides and climbing severity.
    public var level: Level
    /// Group-by values in rule order; empty for single-event rules.
    public var group: [GroupValue]
    /// The events behind the hit, oldest first, capped by the engine.
    public var evidence: [Event]
    /// Sequence numbers of every event behind the hit (may exceed `evidence`).
    public var eventSequences: [UInt64]
    public var firstTime: Timestamp
    public var lastTime: Timestamp
    /// Events (or, for chained correlations, hits) behind this hit.
    public var count: Int
    /// Plain words, built from the rule's template.
    public var summary: String
    /// The playbook's response steps for this rule.
    public var responseSteps: [String]
    public var tags: [String]
    /// Playbook hints for the priority matrix; nil means "derive from level".
    public var impact: Grade?
    public var urgency: Grade?
    /// A customer-requested severity, recorded with who asked and why; it drives paging, not priority.
    public var severityOverride: SeverityOverride?

    public init(
        id: UUID = UUID(),
        ruleID: String,
        ruleTitle: String,
        customer: CustomerID,
        level: Level,
        group: [GroupValue] = [],
        evidence: [Event] = [],
        eventSequences: [UInt64] = [],
        firstTime: Timestamp,
        lastTime: Timestamp,
        count: Int = 1,
        summary: String = "",
        responseSteps: [String] = [],
        tags: [String] = [],
        impact: Grade? = nil,
        urgency: Grade? = nil,
        severityOverride: SeverityOverride? = nil
    ) {
        self.id = id
        self.ruleID = ruleID
        self.ruleTitle = ruleTitle
        self.customer = customer
        self.level = level
        self.group = group
        self.evidence = evidence
        self.eventSequences = eventSequences
        self.firstTime = firstTime
        self.lastTime = lastTime
        self.count = count
        self.summary = summary
        self.responseSteps = responseSteps
        self.tags = tags
        self.impact = impact
        self.urgency = urgency
        self.severityOverride = severityOverride
    }
}

/// One group-by field and its value, e.g. `source.ip` = `203.0.113.7`.
public struct GroupValue: Sendable, Hashable, Codable {
    public var field: String
    public var value: String

    public init(field: String, value: String) {
        self.field = field
        self.value = value
    }
}

/// A playbook's severity override: the level a customer asked for, by whom, and why.
public struct SeverityOverride: Sendable, Hashable, Codable {
    public var level: Level
    public var requestedBy: String
    public var reason: String

    public init(level: Level, requestedBy: String, reason: String) {
        self.level = level
        self.requestedBy = requestedBy
        self.reason = reason
    }
}
