import VigilEvents

/// How a hit looks: level, texts and tuning, after the playbook's settings.
struct HitSpec: Sendable {
    var ruleID: String
    var ruleName: String?
    var title: String
    var kind: RuleKind
    var level: Level
    var tags: [String]
    var summary: SummaryTemplate?
    /// Response steps in plain words; `{placeholders}` are filled like the summary's.
    var response: [SummaryTemplate]
    var impact: Grade?
    var urgency: Grade?
    var overrides: [SeverityOverrideRule]
    var suppress: TimeSpan?
    var realert: TimeSpan?
    var climb: ClimbSpec?
    /// Detection rules: the subject fields (vigil.group-by) for suppression, climbing and the hit's group.
    var groupBy: [String]
    /// Correlations: checked at the time of the hit.
    var when: TimeCondition.Bound?
}

/// An exclusion attached to a rule for one customer: a Sigma filter, a playbook filter, or a monitoring exclusion.
enum Exclusion: Sendable {
    case detection(String, CompiledDetection)
    case selection(String, SelectionMatcher)

    var name: String {
        switch self {
        case .detection(let n, _), .selection(let n, _): return n
        }
    }

    func matches(_ event: Event) -> Bool {
        switch self {
        case .detection(_, let d): return d.matches(event)
        case .selection(_, let s): return s.matches(event)
        }
    }

    func explain(_ event: Event) -> ExplainNode {
        switch self {
        case .detection(let n, let d):
            var node = d.explain(event)
            node.label = "exclusion '\(n)' (\(node.label))"
            return node
        case .selection(let n, let s): return s.explain(event, label: "exclusion '\(n)'")
        }
    }
}

/// What decides whether an event matches a rule for a customer. Customers whose playbooks add nothing to a rule
/// share one matcher, so the hot loop touches a few thousand objects, not one per rule per customer.
final class DetectionMatcher: Sendable {
    let logsource: SelectionMatcher?
    let detection: CompiledDetection
    let exclusions: [Exclusion]
    let when: TimeCondition.Bound?

    init(logsource: SelectionMatcher?, detection: CompiledDetection, exclusions: [Exclusion] = [], when: TimeCondition.Bound? = nil) {
        self.logsource = logsource
        self.detection = detection
        self.exclusions = exclusions
        self.when = when
    }

    @inline(__always)
    func matches(_ event: Event) -> Bool {
        if let logsource, !logsource.matches(event) { return false }
        guard detection.matches(event) else { return false }
        if !exclusions.isEmpty {
            for x in exclusions where x.matches(event) { return false }
        }
        if let when, !when.holds(at: event.eventTime) { return false }
        return true
    }
}

/// A detection rule as it runs for one customer.
final class DetectionInstance: Sendable {
    let key: String
    let rule: DetectionRule
    let matcher: DetectionMatcher
    /// Produces hits of its own (enabled and not only an input of a non-generating correlation).
    let emits: Bool
    /// Correlations fed by this rule: (correlation index, input index).
    let consumers: [(Int, Int)]
    let spec: HitSpec
    let fingerprint: String
    /// The literal conditions the candidate index may file this rule under (none: every event is a candidate).
    let atoms: [[IndexAtom]]

    var logsource: SelectionMatcher? { matcher.logsource }
    var detection: CompiledDetection { matcher.detection }
    var exclusions: [Exclusion] { matcher.exclusions }
    var when: TimeCondition.Bound? { matcher.when }

    init(key: String, rule: DetectionRule, matcher: DetectionMatcher, emits: Bool, consumers: [(Int, Int)], spec: HitSpec,
         fingerprint: String, atoms: [[IndexAtom]])
    {
        self.key = key
        self.rule = rule
        self.matcher = matcher
        self.emits = emits
        self.consumers = consumers
        self.spec = spec
        self.fingerprint = fingerprint
        self.atoms = atoms
    }

    @inline(__always)
    func matches(_ event: Event) -> Bool { matcher.matches(event) }

    func explain(_ event: Event) -> ExplainNode {
        var children: [ExplainNode] = []
        if let logsource {
            children.append(logsource.explain(event, label: "logsource \(rule.logsource?.description ?? "")"))
        }
        children.append(detection.explain(event))
        for x in exclusions {
            var node = x.explain(event)
            node.result = !node.result
            node.label = "not " + node.label
            children.append(node)
        }
        if let when { children.append(when.explain(at: event.eventTime)) }
        return ExplainNode(label: "rule \(key) (\(rule.meta.title))", result: matches(event), children: children)
    }
}

/// The kinds of stateful rules the engine runs.
enum CorrelationKind: Sendable, Hashable {
    case eventCount
    case valueCount
    case temporal
    case temporalOrdered
    case valueSum
    case valueAvg
    case valuePercentile(Double)
    case absence

    init(_ type: CorrelationType, percentile: Double?) {
        switch type {
        case .eventCount: self = .eventCount
        case .valueCount: self = .valueCount
        case .temporal: self = .temporal
        case .temporalOrdered: self = .temporalOrdered
        case .valueSum: self = .valueSum
        case .valueAvg: self = .valueAvg
        case .valuePercentile: self = .valuePercentile(percentile ?? 50)
        case .valueMedian: self = .valuePercentile(50)
        }
    }

    var name: String {
        switch self {
        case .eventCount: "event_count"
        case .valueCount: "value_count"
        case .temporal: "temporal"
        case .temporalOrdered: "temporal_ordered"
        case .valueSum: "value_sum"
        case .valueAvg: "value_avg"
        case .valuePercentile(let p): "value_percentile(\(p))"
        case .absence: "absence"
        }
    }
}

/// Where a correlation's input comes from.
enum InputSource: Sendable, Hashable {
    case detection(Int)
    case correlation(Int)
}

struct CorrelationInput: Sendable {
    var source: InputSource
    /// One per group-by entry: the event field (detections) or the inner hit's group name (correlations).
    var groupFields: [String]
    /// value_count/value_sum/…: the field whose values are aggregated.
    var valueField: String?
}

/// A correlation (or absence) rule as it runs for one customer.
final class CorrelationInstance: Sendable {
    let key: String
    let kind: CorrelationKind
    let inputs: [CorrelationInput]
    /// The group-by names as hits show them (aliases or fields).
    let groupNames: [String]
    let timespan: TimeSpan
    let condition: CountCondition
    /// Decided when the window closes (upper bounds), not on each event.
    let closeBased: Bool
    let emits: Bool
    let consumers: [(Int, Int)]
    let spec: HitSpec
    /// Absence: groups expected from the start.
    let expected: [String]
    let fingerprint: String

    init(key: String, kind: CorrelationKind, inputs: [CorrelationInput], groupNames: [String], timespan: TimeSpan, condition: CountCondition,
         emits: Bool, consumers: [(Int, Int)], spec: HitSpec, expected: [String], fingerprint: String)
    {
        self.key = key
        self.kind = kind
        self.inputs = inputs
        self.groupNames = groupNames
        self.timespan = timespan
        self.condition = condition
        self.closeBased = kind != .absence && kind != .temporalOrdered && !condition.isLowerBoundOnly
        self.emits = emits
        self.consumers = consumers
        self.spec = spec
        self.expected = expected
        self.fingerprint = fingerprint
    }
}

/// Everything one customer runs: its rule instances and the index that picks candidates for an event.
final class CustomerProgram: Sendable {
    let customer: CustomerID
    let playbook: Playbook
    let detections: [DetectionInstance]
    /// `detections[i].matcher`, contiguous, for the hot loop.
    let matchers: ContiguousArray<DetectionMatcher>
    let correlations: [CorrelationInstance]
    /// Monitoring exclusions that apply to every rule.
    let globalExclusions: [MonitoringExclusion]
    let fingerprint: String

    init(customer: CustomerID, playbook: Playbook, detections: [DetectionInstance], correlations: [CorrelationInstance],
         globalExclusions: [MonitoringExclusion], fingerprint: String)
    {
        self.customer = customer
        self.playbook = playbook
        self.detections = detections
        self.matchers = ContiguousArray(detections.map(\.matcher))
        self.correlations = correlations
        self.globalExclusions = globalExclusions
        self.fingerprint = fingerprint
    }
}
