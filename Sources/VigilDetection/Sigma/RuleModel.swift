import VigilEvents

/// What kind of rule a definition is.
public enum RuleKind: String, Sendable, Hashable, Codable {
    /// A Sigma detection rule: one event, one hit.
    case detection
    /// A Sigma correlation rule over detections or other correlations.
    case correlation
    /// A Vigil absence rule: a source or group that went silent.
    case absence
}

/// One loaded rule, as the CLI, reload logs and reports see it.
public struct RuleDefinition: Sendable, Hashable {
    /// The Sigma `id`, or the `name` when the rule has no id.
    public let id: String
    public let name: String?
    public let title: String
    public let kind: RuleKind
    public let level: Level
    public let tags: [String]
    public let status: String?
    public let path: String
    public let line: Int
    public let column: Int
    /// Changes whenever the rule's text changes.
    public let fingerprint: String
}

/// The fields every Sigma document shares, plus Vigil's extension section. A class: programs refer to it often.
final class RuleMeta: Sendable {
    let id: String
    let sigmaID: String?
    let name: String?
    let title: String
    let status: String?
    let description: String?
    let level: Level?
    let tags: [String]
    let path: String
    /// Path relative to the rules root, for playbook path globs.
    let relativePath: String
    let location: SourceLocation
    let vigil: VigilExtension
    let fingerprint: String
    /// `vigil.summary` and `vigil.response`, parsed once.
    let summaryTemplate: SummaryTemplate?
    let responseTemplates: [SummaryTemplate]

    init(id: String, sigmaID: String?, name: String?, title: String, status: String?, description: String?, level: Level?, tags: [String],
         path: String, relativePath: String, location: SourceLocation, vigil: VigilExtension, fingerprint: String)
    {
        self.id = id
        self.sigmaID = sigmaID
        self.name = name
        self.title = title
        self.status = status
        self.description = description
        self.level = level
        self.tags = tags
        self.path = path
        self.relativePath = relativePath
        self.location = location
        self.vigil = vigil
        self.fingerprint = fingerprint
        self.summaryTemplate = vigil.summary.flatMap { try? SummaryTemplate.parse($0, at: location) }
        self.responseTemplates = vigil.response.map { SummaryTemplate.lenient($0) }
    }

    func definition(kind: RuleKind, level: Level) -> RuleDefinition {
        RuleDefinition(id: id, name: name, title: title, kind: kind, level: level, tags: tags, status: status, path: path,
                       line: location.line, column: location.column, fingerprint: fingerprint)
    }
}

/// The `logsource` of a detection rule.
struct LogsourceSpec: Sendable, Hashable {
    var category: String?
    var product: String?
    var service: String?
    var location: SourceLocation

    var description: String {
        [("category", category), ("product", product), ("service", service)]
            .compactMap { k, v in v.map { "\(k)=\($0)" } }.joined(separator: " ")
    }

    static func == (a: LogsourceSpec, b: LogsourceSpec) -> Bool {
        a.category == b.category && a.product == b.product && a.service == b.service
    }

    func hash(into h: inout Hasher) {
        h.combine(category); h.combine(product); h.combine(service)
    }
}

/// A Sigma detection rule, parsed and checked; compiled per customer when it uses placeholders.
final class DetectionRule: Sendable {
    let meta: RuleMeta
    let logsource: LogsourceSpec?
    let detectionNode: YAMLNode
    /// The detection compiled without customer placeholders (shared by customers when there are none).
    let compiled: CompiledDetection
    let usedPlaceholders: Set<String>

    init(meta: RuleMeta, logsource: LogsourceSpec?, detectionNode: YAMLNode, compiled: CompiledDetection, usedPlaceholders: Set<String>) {
        self.meta = meta
        self.logsource = logsource
        self.detectionNode = detectionNode
        self.compiled = compiled
        self.usedPlaceholders = usedPlaceholders
    }
}

/// The correlation types of the Sigma correlation specification (v2.1), plus pySigma's value_median.
enum CorrelationType: String, Sendable, CaseIterable {
    case eventCount = "event_count"
    case valueCount = "value_count"
    case temporal
    case temporalOrdered = "temporal_ordered"
    case valueSum = "value_sum"
    case valueAvg = "value_avg"
    case valuePercentile = "value_percentile"
    case valueMedian = "value_median"

    var needsField: Bool { [.valueCount, .valueSum, .valueAvg, .valuePercentile, .valueMedian].contains(self) }
    var isTemporal: Bool { self == .temporal || self == .temporalOrdered }
}

/// A Sigma correlation rule, parsed and checked; references are resolved by the loader.
final class CorrelationRule: Sendable {
    let meta: RuleMeta
    let type: CorrelationType
    let references: [(String, SourceLocation)]
    let groupBy: [String]
    let groupByLocation: SourceLocation
    /// alias → (rule reference → field)
    let aliases: [String: [String: String]]
    let aliasLocation: SourceLocation?
    let timespan: TimeSpan
    let timespanLocation: SourceLocation
    let condition: CountCondition
    let conditionLocation: SourceLocation
    let field: String?
    let percentile: Double?
    let generate: Bool

    init(meta: RuleMeta, type: CorrelationType, references: [(String, SourceLocation)], groupBy: [String], groupByLocation: SourceLocation,
         aliases: [String: [String: String]], aliasLocation: SourceLocation?, timespan: TimeSpan, timespanLocation: SourceLocation,
         condition: CountCondition, conditionLocation: SourceLocation, field: String?, percentile: Double?, generate: Bool)
    {
        self.meta = meta
        self.type = type
        self.references = references
        self.groupBy = groupBy
        self.groupByLocation = groupByLocation
        self.aliases = aliases
        self.aliasLocation = aliasLocation
        self.timespan = timespan
        self.timespanLocation = timespanLocation
        self.condition = condition
        self.conditionLocation = conditionLocation
        self.field = field
        self.percentile = percentile
        self.generate = generate
    }
}

/// A Sigma filter document (`filter:`): an exclusion added to the rules it names, for every customer.
struct SigmaFilterRule: Sendable {
    var title: String
    var id: String?
    var references: [(String, SourceLocation)]
    var detection: CompiledDetection
    var location: SourceLocation
    var path: String
    var fingerprint: String
}

/// `gt`/`gte`/`lt`/`lte`/`eq`/`neq` bounds, all of which must hold.
struct CountCondition: Sendable, Hashable, CustomStringConvertible {
    enum Operator: String, Sendable, Hashable, CaseIterable {
        case gt, gte, lt, lte, eq, neq
    }

    struct Term: Sendable, Hashable {
        var op: Operator
        var value: Double
    }

    var terms: [Term]

    func holds(_ x: Double) -> Bool {
        for t in terms {
            let ok: Bool
            switch t.op {
            case .gt: ok = x > t.value
            case .gte: ok = x >= t.value
            case .lt: ok = x < t.value
            case .lte: ok = x <= t.value
            case .eq: ok = x == t.value
            case .neq: ok = x != t.value
            }
            if !ok { return false }
        }
        return true
    }

    /// Only lower bounds: the condition can be decided as soon as an event arrives.
    /// Anything with an upper bound is decided when the window closes.
    var isLowerBoundOnly: Bool { terms.allSatisfy { $0.op == .gt || $0.op == .gte } }

    var description: String {
        terms.map { "\($0.op.rawValue) \(FieldValue.double($0.value).stringValue ?? "\($0.value)")" }.joined(separator: " and ")
    }
}

/// Parses Sigma timespans: a positive whole number and one of s, m, h, d (Vigil also takes w).
enum SigmaTimespan {
    static func parse(_ text: String) -> TimeSpan? {
        guard let unit = text.last, text.count >= 2 else { return nil }
        let digits = text.dropLast()
        guard digits.allSatisfy({ $0.isASCII && $0.isNumber }), let n = Int64(digits), n > 0 else { return nil }
        switch unit {
        case "s": return .seconds(n)
        case "m": return .minutes(n)
        case "h": return .hours(n)
        case "d": return .days(n)
        case "w": return .days(n * 7)
        default: return nil
        }
    }
}
