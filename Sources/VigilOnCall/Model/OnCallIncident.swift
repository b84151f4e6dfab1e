import VigilDetection
import VigilEvents
import VigilIncidents

/// How hard to try to reach a person, separate from the internal response priority.
public enum PagingUrgency: String, Sendable, Hashable, Comparable, CaseIterable, Codable {
    case low
    case high
    case critical

    public static func < (lhs: PagingUrgency, rhs: PagingUrgency) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }

    /// The urgency a level asks for.
    public init(level: Level) {
        switch level {
        case .critical: self = .critical
        case .high: self = .high
        case .medium, .low, .informational: self = .low
        }
    }

    /// The urgency a priority asks for: P1 critical, P2 high, P3–P5 low.
    public init(priority: Priority) {
        switch priority {
        case .p1: self = .critical
        case .p2: self = .high
        case .p3, .p4, .p5: self = .low
        }
    }
}

/// What on-call needs to know about an incident; the daemon fills it from the incident store.
public struct OnCallIncident: Sendable, Hashable, Codable {
    /// The incident's stable id (database id or reference such as `INC-2026-000123`).
    public var id: String
    public var customer: CustomerID
    /// The customer's display name, if known.
    public var customerName: String?
    public var ruleID: String
    /// What happened, in plain words (the rule's summary or title).
    public var title: String
    public var summary: String
    /// Rule id, rule tags and playbook scenario names: matched by routes and channel switches.
    public var scenarios: Set<String>
    public var level: Level
    public var priority: Priority?
    /// A customer-requested severity; it sets the paging urgency, not the priority.
    public var severityOverride: SeverityOverride?
    /// Where: host names, addresses, accounts (the group-by values).
    public var subjects: [String]
    public var firstSeen: Timestamp
    public var lastSeen: Timestamp
    public var count: Int
    public var slaDeadline: Timestamp?
    public var responseSteps: [String]
    /// A policy the customer's playbook names for this incident, chosen before any route.
    public var playbookPolicy: String?

    public init(
        id: String, customer: CustomerID, customerName: String? = nil, ruleID: String, title: String, summary: String = "",
        scenarios: Set<String> = [], level: Level, priority: Priority? = nil, severityOverride: SeverityOverride? = nil,
        subjects: [String] = [], firstSeen: Timestamp, lastSeen: Timestamp, count: Int = 1, slaDeadline: Timestamp? = nil,
        responseSteps: [String] = [], playbookPolicy: String? = nil
    ) {
        self.id = id
        self.customer = customer
        self.customerName = customerName
        self.ruleID = ruleID
        self.title = title
        self.summary = summary
        self.scenarios = scenarios.union([ruleID])
        self.level = level
        self.priority = priority
        self.severityOverride = severityOverride
        self.subjects = subjects
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
        self.count = count
        self.slaDeadline = slaDeadline
        self.responseSteps = responseSteps
        self.playbookPolicy = playbookPolicy
    }

    /// Builds the on-call view of a detection hit; the daemon adds id, priority and SLA from the incident.
    public init(id: String, hit: Hit, priority: Priority?, slaDeadline: Timestamp?, customerName: String? = nil) {
        self.init(
            id: id, customer: hit.customer, customerName: customerName, ruleID: hit.ruleID,
            title: hit.ruleTitle, summary: hit.summary, scenarios: Set(hit.tags), level: hit.level, priority: priority,
            severityOverride: hit.severityOverride, subjects: hit.group.map { "\($0.field) \($0.value)" },
            firstSeen: hit.firstTime, lastSeen: hit.lastTime, count: hit.count, slaDeadline: slaDeadline,
            responseSteps: hit.responseSteps)
    }

    /// The paging urgency: a severity override wins, then the priority, then the level.
    public var urgency: PagingUrgency {
        if let override = severityOverride { return PagingUrgency(level: override.level) }
        if let priority { return PagingUrgency(priority: priority) }
        return PagingUrgency(level: level)
    }
}
