import Foundation
import VigilEvents

/// JSONSerialization's reading of a document, flattened with Vigil's rules, to compare against `EventParser`.
enum FoundationJSONReference {
    /// nil when JSONSerialization rejects the bytes.
    static func parse(_ bytes: [UInt8]) -> Any? {
        try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
    }

    static func flatten(_ object: [String: Any]) -> [String: FieldValue] {
        var out: [String: FieldValue] = [:]
        for (key, value) in object { flatten(value, path: key, into: &out) }
        return out
    }

    private static func flatten(_ value: Any, path: String, into out: inout [String: FieldValue]) {
        if let dict = value as? [String: Any] {
            for (key, v) in dict { flatten(v, path: path + "." + key, into: &out) }
        } else if let array = value as? [Any] {
            var items: [FieldValue] = []
            var lists: [String: [FieldValue]] = [:]
            collect(array, path: path, items: &items, lists: &lists)
            if !items.isEmpty || lists.isEmpty { out[path] = .array(items) }
            for (p, values) in lists { out[p] = .array(values) }
        } else {
            out[path] = scalar(value)
        }
    }

    private static func collect(_ array: [Any], path: String, items: inout [FieldValue], lists: inout [String: [FieldValue]]) {
        for element in array {
            if let dict = element as? [String: Any] {
                var element: [String: FieldValue] = [:]
                for (key, v) in dict { flatten(v, path: path + "." + key, into: &element) }
                for (p, v) in element { lists[p, default: []].append(v) }
            } else if let inner = element as? [Any] {
                var innerItems: [FieldValue] = []
                var innerLists: [String: [FieldValue]] = [:]
                collect(inner, path: path, items: &innerItems, lists: &innerLists)
                if !innerItems.isEmpty || innerLists.isEmpty { items.append(.array(innerItems)) }
                for (p, values) in innerLists { lists[p, default: []].append(contentsOf: values) }
            } else {
                items.append(scalar(element))
            }
        }
    }

    private static func scalar(_ value: Any) -> FieldValue {
        if value is NSNull { return .null }
        if let s = value as? String { return .string(s) }
        if let n = value as? NSNumber {
            switch String(cString: n.objCType) {
            case "c", "B": return .bool(n.boolValue)
            case "q", "i", "l", "s": return .int(n.int64Value)
            case "Q", "L", "I", "S":
                let u = n.uint64Value
                return u <= UInt64(Int64.max) ? .int(Int64(u)) : .double(Double(u))
            default: return .double(n.doubleValue)
            }
        }
        return .string("<unknown \(type(of: value))>")
    }

    /// Values agree: strings and bools exactly, numbers by value (ints exactly, else to 1e-15 relative).
    static func agree(_ a: FieldValue, _ b: FieldValue) -> Bool {
        switch (a, b) {
        case (.int(let x), .int(let y)): return x == y
        case (.array(let x), .array(let y)): return x.count == y.count && zip(x, y).allSatisfy { agree($0, $1) }
        default:
            if let x = number(a), let y = number(b) {
                return x == y || abs(x - y) <= 1e-15 * max(abs(x), abs(y))
            }
            return a == b
        }
    }

    private static func number(_ v: FieldValue) -> Double? {
        switch v {
        case .int(let i): return Double(i)
        case .double(let d): return d
        default: return nil
        }
    }

    /// The bytes with every comma that directly precedes `}` or `]` (outside strings) removed.
    static func withoutTrailingCommas(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var inString = false
        var escaped = false
        var pendingComma: Int?
        for c in bytes {
            if inString {
                out.append(c)
                if escaped { escaped = false } else if c == UInt8(ascii: "\\") { escaped = true } else if c == UInt8(ascii: "\"") { inString = false }
                continue
            }
            if c == UInt8(ascii: "}") || c == UInt8(ascii: "]"), let comma = pendingComma {
                out.remove(at: comma)
            }
            if c == UInt8(ascii: ",") { pendingComma = out.count } else if ![0x20, 0x09, 0x0A, 0x0D].contains(c) { pendingComma = nil }
            if c == UInt8(ascii: "\"") { inString = true }
            out.append(c)
        }
        return out
    }
}
