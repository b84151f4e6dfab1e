import Foundation
import VigilEvents
import Yams

/// Collects diagnostics while reading a YAML node tree; every problem is reported, none stops the read.
final class YAMLReader {
    let file: String
    private(set) var diagnostics: [ConfigDiagnostic] = []

    init(file: String) { self.file = file }

    func error(_ message: String, at mark: Mark?) {
        diagnostics.append(ConfigDiagnostic(file: file, line: mark?.line ?? 1, column: mark?.column ?? 1, message: message))
    }

    func error(_ message: String, at node: Node?) { error(message, at: node?.mark) }

    /// The node as a mapping reader, or nil after reporting what was expected.
    func map(_ node: Node, _ what: String) -> YAMLMap? {
        guard case .mapping(let mapping) = node else {
            error("\(what) must be a mapping (key: value)", at: node)
            return nil
        }
        return YAMLMap(reader: self, node: node, mapping: mapping, what: what)
    }

    /// The node's elements; a missing node is an empty list.
    func list(_ node: Node?, _ what: String) -> [Node] {
        guard let node else { return [] }
        if case .scalar(let s) = node, s.string.isEmpty || s.tag == Tag(.null) { return [] }
        guard case .sequence(let sequence) = node else {
            error("\(what) must be a list", at: node)
            return []
        }
        return Array(sequence)
    }

    func string(_ node: Node, _ what: String) -> String? {
        guard case .scalar(let scalar) = node else {
            error("\(what) must be a single value", at: node)
            return nil
        }
        return scalar.string
    }

    /// A list of strings; a single scalar counts as a list of one, and `a, b` splits on commas.
    func strings(_ node: Node?, _ what: String) -> [(String, Node)] {
        guard let node else { return [] }
        if case .scalar(let scalar) = node {
            return scalar.string.split(separator: ",").map { (String($0).trimmed, node) }.filter { !$0.0.isEmpty }
        }
        return list(node, what).compactMap { element in string(element, "each entry of \(what)").map { ($0.trimmed, element) } }
    }
}

/// A mapping being read: typed accessors that report problems with the node's position, and a check for unknown keys.
struct YAMLMap {
    let reader: YAMLReader
    let node: Node
    let mapping: Node.Mapping
    /// "person 'petra'": used in messages.
    let what: String

    var mark: Mark? { node.mark }

    /// The value for `key`, if present.
    subscript(_ key: String) -> Node? { mapping[key] }

    func has(_ key: String) -> Bool { mapping[key] != nil }

    /// Reports keys outside `allowed` (typos must not be silently ignored).
    func allowKeys(_ allowed: Set<String>) {
        for (key, _) in mapping {
            guard let name = key.string else {
                reader.error("\(what): keys must be plain names", at: key)
                continue
            }
            if !allowed.contains(name) {
                let known = allowed.sorted().joined(separator: ", ")
                reader.error("\(what): unknown key '\(name)' (known: \(known))", at: key)
            }
        }
    }

    func string(_ key: String, required: Bool = false) -> String? {
        guard let value = mapping[key] else {
            if required { reader.error("\(what): '\(key)' is required", at: mark) }
            return nil
        }
        guard let text = reader.string(value, "\(what): '\(key)'") else { return nil }
        if required, text.trimmed.isEmpty {
            reader.error("\(what): '\(key)' must not be empty", at: value)
            return nil
        }
        return text
    }

    func int(_ key: String, range: ClosedRange<Int>) -> Int? {
        guard let value = mapping[key] else { return nil }
        guard let number = value.int, case .scalar = value else {
            reader.error("\(what): '\(key)' must be a whole number", at: value)
            return nil
        }
        guard range.contains(number) else {
            reader.error("\(what): '\(key)' must be between \(range.lowerBound) and \(range.upperBound)", at: value)
            return nil
        }
        return number
    }

    func bool(_ key: String) -> Bool? {
        guard let value = mapping[key] else { return nil }
        guard case .scalar = value, let flag = value.bool else {
            reader.error("\(what): '\(key)' must be true or false", at: value)
            return nil
        }
        return flag
    }

    /// A duration such as `30s`, `5m`, `2h`, `1d`.
    func duration(_ key: String, minimum: TimeSpan = .zero) -> TimeSpan? {
        guard let value = mapping[key], let text = reader.string(value, "\(what): '\(key)'") else { return nil }
        guard let span = TimeSpan(parsing: text) else {
            reader.error("\(what): '\(key)' must be a duration such as 30s, 5m, 2h or 1d, not '\(text)'", at: value)
            return nil
        }
        guard span >= minimum else {
            reader.error("\(what): '\(key)' must be at least \(minimum)", at: value)
            return nil
        }
        return span
    }

    /// An instant in RFC 3339 with an offset, e.g. `2026-03-28T18:00:00+01:00`.
    func instant(_ key: String, required: Bool = false) -> Timestamp? {
        guard let text = string(key, required: required), let value = mapping[key] else { return nil }
        guard let ts = Timestamp(rfc3339: text.trimmed) else {
            reader.error("\(what): '\(key)' must be a date and time with offset, e.g. 2026-03-28T18:00:00+01:00", at: value)
            return nil
        }
        return ts
    }

    /// A time of day `HH:MM`.
    func timeOfDay(_ key: String) -> TimeOfDay? {
        guard let text = string(key), let value = mapping[key] else { return nil }
        guard let time = TimeOfDay(parsing: text.trimmed) else {
            reader.error("\(what): '\(key)' must be a time of day HH:MM (quote it: \"08:00\"), not '\(text)'", at: value)
            return nil
        }
        return time
    }

    /// A zone identifier that the system knows; `fallback` when absent.
    func zone(_ key: String, fallback: String?) -> String? {
        guard let text = string(key) else {
            if fallback == nil { reader.error("\(what): 'time_zone' is required", at: mark) }
            return fallback
        }
        guard ZoneRules(identifier: text) != nil else {
            reader.error("\(what): unknown time zone '\(text)' (use an IANA name such as Europe/Berlin)", at: mapping[key])
            return nil
        }
        return text
    }

    /// A weekday set from `days: mon-fri`, `days: [mon, wed, sat-sun]`; all days when absent.
    func weekdays(_ key: String) -> Set<Weekday>? {
        guard let value = mapping[key] else { return Set(Weekday.allCases) }
        var days: Set<Weekday> = []
        var ok = true
        for (text, node) in reader.strings(value, "\(what): '\(key)'") {
            if let set = Weekday.parseSet(text) {
                days.formUnion(set)
            } else {
                reader.error("\(what): '\(text)' is not a weekday or range such as mon-fri", at: node)
                ok = false
            }
        }
        return ok ? days : nil
    }

    /// A time window from `days`, `from` and `to` keys of this mapping.
    func window() -> TimeWindow? {
        let days = weekdays("days")
        let from = has("from") ? timeOfDay("from") : .midnight
        let to = has("to") ? timeOfDay("to") : .midnight
        guard let days, let from, let to else { return nil }
        if from.minutes == 1440 { reader.error("\(what): 'from' cannot be 24:00", at: mapping["from"]) ; return nil }
        return TimeWindow(days: days, from: from, to: to)
    }
}

extension String {
    var trimmed: String { trimmingCharacters(in: .whitespaces) }
}
