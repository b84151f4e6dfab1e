import Foundation
import VigilEvents

/// One compiled comparison against a single scalar field value.
enum ValueTest: Sendable {
    /// Equality, prefix, suffix, substring or wildcard match on the value's text.
    case string(StringPattern)
    /// A YAML number: numeric equality for numeric fields, text equality otherwise.
    case number(Double, StringPattern)
    /// A YAML boolean: equal to a JSON boolean, or to the text `true`/`false` in any case.
    case bool(Bool)
    case regex(RegexBox)
    case cidr(CIDRBlock)
    case compare(CompareOperator, Double)
    /// Any of many literal substrings, found in one pass.
    case anySubstring(AhoCorasick, [String], caseSensitive: Bool)

    func matches(_ value: FieldValue) -> Bool {
        switch self {
        case .string(let p):
            guard let s = value.stringValue else { return false }
            return p.matches(s)
        case .number(let n, let p):
            switch value {
            case .int(let i): return Double(i) == n
            case .double(let d): return d == n
            case .string(let s): return p.matches(s)
            default: return false
            }
        case .bool(let b):
            switch value {
            case .bool(let v): return v == b
            case .string(let s): return CaseFolding.fold(s) == (b ? "true" : "false")
            default: return false
            }
        case .regex(let r):
            guard let s = value.stringValue else { return false }
            return r.matches(s)
        case .cidr(let block):
            guard case .string(let s) = value else { return false }
            return block.contains(s)
        case .compare(let op, let bound):
            guard let d = value.doubleValue else { return false }
            return op.holds(d, bound)
        case .anySubstring(let ac, _, let cased):
            guard let s = value.stringValue else { return false }
            return ac.containsAny(s, caseSensitive: cased)
        }
    }

    /// A short human rendering, for `vigil explain`.
    var display: String {
        switch self {
        case .string(let p):
            switch p.kind {
            case .equals: return "equals '\(p.display)'\(p.caseSensitive ? " (cased)" : "")"
            case .prefix: return "starts with '\(p.display.dropLast())'\(p.caseSensitive ? " (cased)" : "")"
            case .suffix: return "ends with '\(p.display.dropFirst())'\(p.caseSensitive ? " (cased)" : "")"
            case .contains: return "contains '\(p.display.dropFirst().dropLast())'\(p.caseSensitive ? " (cased)" : "")"
            case .anything: return "is any string"
            case .glob: return "matches '\(p.display)'\(p.caseSensitive ? " (cased)" : "")"
            }
        case .number(let n, _): return "equals \(FieldValue.double(n).stringValue ?? "\(n)")"
        case .bool(let b): return "equals \(b)"
        case .regex(let r): return "matches regex /\(r.pattern)/\(r.flags)"
        case .cidr(let c): return "is in \(c)"
        case .compare(let op, let n): return "\(op.symbol) \(FieldValue.double(n).stringValue ?? "\(n)")"
        case .anySubstring(_, let list, _):
            let shown = list.prefix(5).map { "'\($0)'" }.joined(separator: ", ")
            return "contains any of \(list.count) values (\(shown)\(list.count > 5 ? ", …" : ""))"
        }
    }
}

enum CompareOperator: String, Sendable {
    case lt, lte, gt, gte

    func holds(_ value: Double, _ bound: Double) -> Bool {
        switch self {
        case .lt: value < bound
        case .lte: value <= bound
        case .gt: value > bound
        case .gte: value >= bound
        }
    }

    var symbol: String {
        switch self {
        case .lt: "<"
        case .lte: "<="
        case .gt: ">"
        case .gte: ">="
        }
    }
}

/// A precompiled regular expression. `NSRegularExpression` is immutable and safe to share.
final class RegexBox: @unchecked Sendable {
    let regex: NSRegularExpression
    let pattern: String
    let flags: String

    init(pattern: String, flags: String) throws {
        var options: NSRegularExpression.Options = []
        if flags.contains("i") { options.insert(.caseInsensitive) }
        if flags.contains("m") { options.insert(.anchorsMatchLines) }
        if flags.contains("s") { options.insert(.dotMatchesLineSeparators) }
        self.regex = try NSRegularExpression(pattern: pattern, options: options)
        self.pattern = pattern
        self.flags = flags
    }

    func matches(_ s: String) -> Bool {
        regex.firstMatch(in: s, options: [], range: NSRange(location: 0, length: s.utf16.count)) != nil
    }
}

/// The parts of a date the Sigma time modifiers extract (in UTC).
enum TimeComponent: String, Sendable {
    case minute, hour, day, week, month, year

    /// Reads RFC 3339 text or a number of epoch seconds; nil when the value is no date.
    func extract(_ value: FieldValue) -> FieldValue? {
        let ts: Timestamp
        switch value {
        case .string(let s):
            if let t = Timestamp(rfc3339: s) { ts = t } else if let d = Double(s) { ts = Timestamp(nanoseconds: Int64(d * 1e9)) } else { return nil }
        case .int(let i): ts = Timestamp(seconds: i)
        case .double(let d): ts = Timestamp(nanoseconds: Int64(d * 1e9))
        default: return nil
        }
        let c = CivilDateTime(ts)
        switch self {
        case .minute: return .int(Int64(c.minute))
        case .hour: return .int(Int64(c.hour))
        case .day: return .int(Int64(c.day))
        case .month: return .int(Int64(c.month))
        case .year: return .int(Int64(c.year))
        case .week: return .int(Int64(TimeComponent.isoWeek(c)))
        }
    }

    static func isoWeek(_ c: CivilDateTime) -> Int {
        let days = CivilDateTime.daysFromCivil(year: c.year, month: c.month, day: c.day)
        let weekday = c.isoWeekday
        // The Thursday of this ISO week decides the year.
        let thursday = days - weekday + 4
        let (ty, _, _) = CivilDateTime.civilFromDays(thursday)
        let jan1 = CivilDateTime.daysFromCivil(year: ty, month: 1, day: 1)
        return (thursday - jan1) / 7 + 1
    }
}
