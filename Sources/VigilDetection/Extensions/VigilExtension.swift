import VigilEvents

/// The `vigil:` section of a rule: what SOC work needs and Sigma lacks.
///
/// ```yaml
/// vigil:
///   summary: "{count} failed SSH logins from {source.ip}"
///   response: ["Block the source address."]
///   group-by: [host.name]          # detection rules: the subject for suppression and climbing
///   suppress: 30m                  # after a hit, stay quiet while the burst goes on
///   realert: 4h                    # but remind every 4h while it does
///   climb: {after: 3, within: 7d}  # the 4th hit on a subject is one level higher, the 7th two …
///   when: {business_hours: outside}
///   absence: {timespan: 30m, group-by: [host.name]}
/// ```
struct VigilExtension: Sendable, Hashable {
    var summary: String?
    var response: [String] = []
    var groupBy: [String]?
    var suppress: TimeSpan?
    var realert: TimeSpan?
    var climb: ClimbSpec?
    var when: TimeCondition?
    var absence: AbsenceSpec?
    var impact: Grade?
    var urgency: Grade?

    static let keys = ["summary", "response", "group-by", "suppress", "realert", "climb", "when", "absence", "impact", "urgency"]

    static func parse(_ node: YAMLNode?) throws(CompileError) -> VigilExtension {
        var ext = VigilExtension()
        guard let node else { return ext }
        guard let pairs = node.pairs else {
            throw CompileError(node.location, "invalid-vigil", "'vigil' must be a mapping")
        }
        for pair in pairs {
            let key = pair.key.string ?? ""
            let v = pair.value
            switch key {
            case "summary":
                guard let s = v.string else { throw CompileError(v.location, "invalid-vigil", "vigil.summary must be a string") }
                _ = try SummaryTemplate.parse(s, at: v.location)
                ext.summary = s
            case "response":
                guard let list = v.stringList() else { throw CompileError(v.location, "invalid-vigil", "vigil.response must be a list of strings") }
                ext.response = list
            case "group-by":
                guard let list = v.stringList(), !list.isEmpty else { throw CompileError(v.location, "invalid-vigil", "vigil.group-by must be a list of field names") }
                ext.groupBy = list
            case "suppress":
                ext.suppress = try parseSpan(v, "vigil.suppress")
            case "realert":
                ext.realert = try parseSpan(v, "vigil.realert")
            case "climb":
                ext.climb = try ClimbSpec.parse(v)
            case "when":
                ext.when = try parseWhen(v)
            case "absence":
                ext.absence = try AbsenceSpec.parse(v)
            case "impact":
                ext.impact = try parseGrade(v, "vigil.impact")
            case "urgency":
                ext.urgency = try parseGrade(v, "vigil.urgency")
            default:
                throw CompileError(pair.key.location, "unknown-vigil-key",
                                   "unknown key 'vigil.\(key)'; allowed: \(keys.joined(separator: ", "))")
            }
        }
        return ext
    }

    static func parseSpan(_ v: YAMLNode, _ what: String) throws(CompileError) -> TimeSpan {
        guard let s = v.string, let span = SigmaTimespan.parse(s) else {
            throw CompileError(v.location, "invalid-timespan", "\(what) must be a timespan such as 30s, 10m, 2h or 1d")
        }
        return span
    }

    static func parseGrade(_ v: YAMLNode, _ what: String) throws(CompileError) -> Grade {
        guard let s = v.string, let g = Grade(rawValue: s) else {
            throw CompileError(v.location, "invalid-grade", "\(what) must be low, medium or high")
        }
        return g
    }

    static func parseWhen(_ node: YAMLNode) throws(CompileError) -> TimeCondition {
        guard let pairs = node.pairs else { throw CompileError(node.location, "invalid-when", "vigil.when must be a mapping") }
        var c = TimeCondition(businessHours: nil, hours: [], weekdays: nil)
        for pair in pairs {
            let v = pair.value
            switch pair.key.string ?? "" {
            case "business_hours", "business-hours":
                guard let s = v.string, let mode = TimeCondition.BusinessHoursMode(rawValue: s) else {
                    throw CompileError(v.location, "invalid-when", "business_hours must be 'inside' or 'outside'")
                }
                c.businessHours = mode
            case "hours":
                guard let list = v.stringList() else { throw CompileError(v.location, "invalid-when", "hours must be a range such as 22:00-06:00") }
                for r in list {
                    guard let i = TimeOfDay.parseRange(r) else {
                        throw CompileError(v.location, "invalid-when", "'\(r)' is not a time range such as 22:00-06:00")
                    }
                    c.hours.append(i)
                }
            case "weekdays", "days":
                guard let list = v.stringList() else { throw CompileError(v.location, "invalid-when", "weekdays must be a list such as [sat, sun] or 'mon-fri'") }
                var days: Set<Int> = []
                for d in list {
                    guard let set = TimeOfDay.parseDays(d) else {
                        throw CompileError(v.location, "invalid-when", "'\(d)' is not a weekday or range such as mon-fri")
                    }
                    days.formUnion(set)
                }
                c.weekdays = days
            default:
                throw CompileError(pair.key.location, "unknown-vigil-key", "unknown key '\(pair.key.string ?? "")' in vigil.when; allowed: business_hours, hours, weekdays")
            }
        }
        if c.businessHours == nil && c.hours.isEmpty && c.weekdays == nil {
            throw CompileError(node.location, "invalid-when", "vigil.when is empty")
        }
        return c
    }
}

/// Climbing severity: repeated hits on one subject raise the level.
struct ClimbSpec: Sendable, Hashable {
    /// Hits beyond this many (within `within`) are raised one step, beyond twice this many two steps, and so on.
    var after: Int
    var within: TimeSpan
    var step: Int
    var max: Level

    static func parse(_ node: YAMLNode) throws(CompileError) -> ClimbSpec {
        guard let pairs = node.pairs else { throw CompileError(node.location, "invalid-climb", "vigil.climb must be a mapping with after and within") }
        var after: Int?
        var within: TimeSpan?
        var step = 1
        var max = Level.critical
        for pair in pairs {
            let v = pair.value
            switch pair.key.string ?? "" {
            case "after":
                guard case .int(let n)? = v.scalar?.typed, n >= 1 else { throw CompileError(v.location, "invalid-climb", "climb.after must be a whole number of at least 1") }
                after = Int(n)
            case "within":
                within = try VigilExtension.parseSpan(v, "climb.within")
            case "step":
                guard case .int(let n)? = v.scalar?.typed, (1...4).contains(n) else { throw CompileError(v.location, "invalid-climb", "climb.step must be 1 to 4") }
                step = Int(n)
            case "max":
                guard let s = v.string, let l = Level(rawValue: s) else { throw CompileError(v.location, "invalid-climb", "climb.max must be a level") }
                max = l
            default:
                throw CompileError(pair.key.location, "unknown-vigil-key", "unknown key '\(pair.key.string ?? "")' in vigil.climb; allowed: after, within, step, max")
            }
        }
        guard let after, let within else {
            throw CompileError(node.location, "invalid-climb", "vigil.climb needs both 'after' and 'within'")
        }
        return ClimbSpec(after: after, within: within, step: step, max: max)
    }

    /// The level of the `n`-th hit (1-based) on a subject.
    func level(base: Level, occurrence n: Int) -> Level {
        let steps = (n - 1) / after * step
        let rank = Swift.min(base.rank + steps, Swift.max(max.rank, base.rank))
        return Level.allCases[rank]
    }
}

/// An absence rule: each group must send a matching event at least every `timespan`.
struct AbsenceSpec: Sendable, Hashable {
    var timespan: TimeSpan
    var groupBy: [String]
    /// Groups expected from the start (placeholders allowed), so a source that never spoke is caught too.
    var expect: [String]

    static func parse(_ node: YAMLNode) throws(CompileError) -> AbsenceSpec {
        guard let pairs = node.pairs else { throw CompileError(node.location, "invalid-absence", "vigil.absence must be a mapping with timespan and group-by") }
        var span: TimeSpan?
        var groupBy: [String] = []
        var expect: [String] = []
        for pair in pairs {
            let v = pair.value
            switch pair.key.string ?? "" {
            case "timespan": span = try VigilExtension.parseSpan(v, "absence.timespan")
            case "group-by":
                guard let list = v.stringList() else { throw CompileError(v.location, "invalid-absence", "absence.group-by must be a list of field names") }
                groupBy = list
            case "expect":
                guard let list = v.stringList() else { throw CompileError(v.location, "invalid-absence", "absence.expect must be a list of values") }
                expect = list
            default:
                throw CompileError(pair.key.location, "unknown-vigil-key", "unknown key '\(pair.key.string ?? "")' in vigil.absence; allowed: timespan, group-by, expect")
            }
        }
        guard let span else { throw CompileError(node.location, "invalid-absence", "vigil.absence needs a timespan") }
        if !expect.isEmpty && groupBy.count != 1 {
            throw CompileError(node.location, "invalid-absence", "absence.expect needs exactly one group-by field")
        }
        return AbsenceSpec(timespan: span, groupBy: groupBy, expect: expect)
    }
}
