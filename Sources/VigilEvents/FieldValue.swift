/// A typed event field value. JSON objects are flattened into dotted paths, so there is no object case.
public enum FieldValue: Sendable, Hashable {
    case string(String)
    case int(Int64)
    case double(Double)
    case bool(Bool)
    case null
    case array([FieldValue])

    /// The value as a string, as rules compare it: numbers and booleans in their JSON spelling.
    public var stringValue: String? {
        switch self {
        case .string(let s): return s
        case .int(let i): return String(i)
        case .double(let d): return FieldValue.format(d)
        case .bool(let b): return b ? "true" : "false"
        case .null, .array: return nil
        }
    }

    /// The value as a number, parsing strings that hold one.
    public var doubleValue: Double? {
        switch self {
        case .int(let i): return Double(i)
        case .double(let d): return d
        case .string(let s): return Double(s)
        default: return nil
        }
    }

    /// The value as an integer, parsing strings that hold one; doubles only when integral.
    public var intValue: Int64? {
        switch self {
        case .int(let i): return i
        case .double(let d): return d.rounded() == d && abs(d) < 9.2e18 ? Int64(d) : nil
        case .string(let s): return Int64(s)
        default: return nil
        }
    }

    public var boolValue: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }

    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// Scalars: the value itself; arrays: each element (nested arrays flattened).
    public func forEachScalar(_ body: (FieldValue) throws -> Void) rethrows {
        if case .array(let items) = self {
            for item in items { try item.forEachScalar(body) }
        } else {
            try body(self)
        }
    }

    static func format(_ d: Double) -> String {
        if d.rounded() == d && abs(d) < 1e15 { return String(Int64(d)) }
        return String(d)
    }
}

extension FieldValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByFloatLiteral, ExpressibleByNilLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(nilLiteral: ()) { self = .null }
}
