import VigilEvents

/// One customer's playbook (`rules/customers/<id>.yml`): which rules run, how they are tuned, and what to do.
public struct Playbook: Sendable {
    public let id: CustomerID
    public let name: String
    public let timeZone: ZoneRules
    public let businessHours: BusinessHours
    /// Assets the customer refused to have monitored, each approved by someone on a date (for reports).
    public let monitoringExclusions: [MonitoringExclusion]
    /// Severities the customer asked for, with who asked and why.
    public let severityOverrides: [SeverityOverrideRule]
    public let path: String
    /// Changes whenever the playbook's text changes.
    public let fingerprint: String

    let enable: [RuleSelector]
    let disable: [RuleSelector]
    let settings: [RuleSettings]
    let filters: [PlaybookFilter]
    let placeholders: [String: [String]]
    let location: SourceLocation
    /// Contractual resolution targets by priority (`sla_targets: {P1: 30m, P4: scheduled}`); the rest keep the defaults.
    public internal(set) var slaTargets: [String: String] = [:]

    /// The implicit playbook of `vigil eval` without `--customer`: every rule on, UTC, Monday–Friday 08–18.
    static func everything(customer: CustomerID, timeZone: ZoneRules = .utc) -> Playbook {
        Playbook(id: customer, name: "default (every rule enabled)", timeZone: timeZone, businessHours: .standard, monitoringExclusions: [],
                 severityOverrides: [], path: "", fingerprint: "default", enable: [RuleSelector(kind: .all, location: SourceLocation(path: "", line: 0, column: 0))],
                 disable: [], settings: [], filters: [], placeholders: [:], location: SourceLocation(path: "", line: 0, column: 0))
    }
}

/// A monitoring exclusion: events that match are not evaluated for this customer, by explicit agreement.
public struct MonitoringExclusion: Sendable {
    public let name: String
    public let approver: String
    /// `YYYY-MM-DD`.
    public let date: String
    public let reason: String?
    /// The `match` selection as written.
    public let condition: String
    let matcher: SelectionMatcher
    /// nil: every rule.
    let selectors: [RuleSelector]?
    let location: SourceLocation
}

/// A customer-requested severity for some rules, optionally only for some events (the guest Wi-Fi case).
public struct SeverityOverrideRule: Sendable {
    public let level: Level
    public let requestedBy: String
    public let reason: String
    let selectors: [RuleSelector]
    let when: SelectionMatcher?
    public let whenText: String?
    let location: SourceLocation
}

/// An exclusion written like a Sigma filter: hits are dropped when an event matches it.
struct PlaybookFilter: Sendable {
    let title: String
    let selectors: [RuleSelector]
    let detection: CompiledDetection
    let text: String
    let location: SourceLocation
}

/// Per-rule tuning from a playbook's `rules:` section.
struct RuleSettings: Sendable {
    var reference: String
    var location: SourceLocation
    var level: Level?
    var threshold: Double?
    var condition: CountCondition?
    var timespan: TimeSpan?
    var groupBy: [String]?
    var suppress: TimeSpan?
    var realert: TimeSpan?
    var climb: ClimbSpec?
    var summary: String?
    var response: [String]?
    var impact: Grade?
    var urgency: Grade?
    var text: String

    func matches(_ meta: RuleMeta) -> Bool { meta.id == reference || meta.name == reference || meta.sigmaID == reference }
}
