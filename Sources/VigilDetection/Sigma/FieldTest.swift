import VigilEvents

/// One `field|modifiers: values` entry of a selection, compiled. A class, so the hot loop passes references.
final class FieldTest: Sendable {
    enum Alternative: Sendable {
        /// A test on the value (each element of an array).
        case value(ValueTest)
        /// `null`: the field is missing or JSON null.
        case null
    }

    enum Check: Sendable {
        /// Values linked by OR, or by AND with `all`.
        case values([Alternative], all: Bool)
        /// `exists: true/false`.
        case exists(Bool)
        /// `fieldref`: compare with the values of other fields.
        case fieldRef([String], StringPattern.Kind, caseSensitive: Bool, all: Bool)
    }

    /// The event field path; `message` for keywords.
    let field: String
    let check: Check
    /// `neq`: the field exists and none of the values match.
    let negated: Bool
    /// A time modifier extracts a number from a date before the values apply.
    let timeComponent: TimeComponent?
    let location: SourceLocation
    /// The key as written, e.g. `CommandLine|contains|all`.
    let source: String

    /// The common case, OR of plain string patterns: tested without unpacking enums.
    let plainPatterns: ContiguousArray<StringPattern>?

    init(field: String, check: Check, negated: Bool, timeComponent: TimeComponent?, location: SourceLocation, source: String) {
        self.field = field
        self.check = check
        var plain: ContiguousArray<StringPattern>?
        if !negated, timeComponent == nil, case .values(let alternatives, all: false) = check {
            var list = ContiguousArray<StringPattern>()
            for alt in alternatives {
                guard case .value(.string(let p)) = alt else { list.removeAll(); break }
                list.append(p)
            }
            if !list.isEmpty, list.count == alternatives.count { plain = list }
        }
        self.plainPatterns = plain
        self.negated = negated
        self.timeComponent = timeComponent
        self.location = location
        self.source = source
    }

    func matches(_ event: Event) -> Bool {
        // The common case, plain patterns on a string, reads the value in place.
        if let plain = plainPatterns {
            return event.withFieldValue(field, found: { value in
                guard case .string(let s) = value else { return matches(event, value) }
                return plain.withUnsafeBufferPointer { patterns in
                    for i in patterns.indices where patterns[i].matches(s) { return true }
                    return false
                }
            }, missing: { matches(event, nil) })
        }
        return matches(event, event.fieldValue(field))
    }

    private func matches(_ event: Event, _ value: FieldValue?) -> Bool {
        switch check {
        case .exists(let expected):
            return (value != nil) == expected
        case .fieldRef(let others, let kind, let cased, let all):
            guard let value else { return false }
            var anyMatched = false
            for other in others {
                let ok = FieldTest.compareFields(value, event.fieldValue(other), kind: kind, caseSensitive: cased)
                if all && !ok { return negated ? true : false }
                if ok { anyMatched = true; if !all { break } }
            }
            return negated ? !anyMatched : anyMatched
        case .values(let alternatives, let all):
            if negated {
                guard let value, !value.isNull else { return false }
                for alt in alternatives where FieldTest.test(alt, value, timeComponent) { return false }
                return true
            }
            if all {
                for alt in alternatives where !FieldTest.test(alt, value, timeComponent) { return false }
                return !alternatives.isEmpty
            }
            for alt in alternatives where FieldTest.test(alt, value, timeComponent) { return true }
            return false
        }
    }

    @inline(__always)
    static func test(_ alt: Alternative, _ value: FieldValue?, _ time: TimeComponent?) -> Bool {
        switch alt {
        case .null:
            guard let value else { return true }
            return value.isNull
        case .value(let t):
            guard let value else { return false }
            if case .array(let items) = value {
                for item in items where test(alt, item, time) { return true }
                return false
            }
            if let time {
                guard let extracted = time.extract(value) else { return false }
                return t.matches(extracted)
            }
            return t.matches(value)
        }
    }

    static func compareFields(_ a: FieldValue, _ b: FieldValue?, kind: StringPattern.Kind, caseSensitive: Bool) -> Bool {
        guard let b else { return false }
        var matched = false
        a.forEachScalar { x in
            guard !matched, let xs = x.stringValue else { return }
            b.forEachScalar { y in
                guard !matched, let ys = y.stringValue else { return }
                let lhs = caseSensitive ? xs : CaseFolding.fold(xs)
                let rhs = caseSensitive ? ys : CaseFolding.fold(ys)
                switch kind {
                case .equals: matched = lhs == rhs
                case .prefix: matched = lhs.hasPrefix(rhs)
                case .suffix: matched = lhs.hasSuffix(rhs)
                case .contains: matched = rhs.isEmpty || lhs.contains(rhs)
                case .anything, .glob: matched = lhs == rhs
                }
            }
        }
        return matched
    }

    /// Per-value results for `vigil explain`.
    func explain(_ event: Event) -> ExplainNode {
        let value = event.value(at: field)
        let shown = value.map { FieldTest.render($0) } ?? "missing"
        let result = matches(event)
        var children: [ExplainNode] = []
        var label: String
        switch check {
        case .exists(let expected):
            label = "\(source): field \(field) \(expected ? "exists" : "does not exist")"
        case .fieldRef(let others, let kind, _, let all):
            label = "\(source): \(field) \(kind) field \(others.joined(separator: all ? " and " : " or "))"
            for other in others {
                let ok = value.map { FieldTest.compareFields($0, event.value(at: other), kind: kind, caseSensitive: false) } ?? false
                children.append(ExplainNode(label: "\(other) = \(event.value(at: other).map { FieldTest.render($0) } ?? "missing")", result: ok))
            }
        case .values(let alternatives, let all):
            label = "\(source)\(negated ? " (neq)" : "")\(all ? " (all)" : ""): \(field) = \(shown)"
            for alt in alternatives {
                let ok = FieldTest.test(alt, value, timeComponent)
                switch alt {
                case .null: children.append(ExplainNode(label: "is null or missing", result: ok))
                case .value(let t): children.append(ExplainNode(label: t.display, result: ok))
                }
            }
        }
        if case .exists = check { label += " (field \(value == nil ? "missing" : "present"))" }
        return ExplainNode(label: label, result: result, children: children)
    }

    static func render(_ v: FieldValue) -> String {
        switch v {
        case .string(let s): return "'\(s)'"
        case .null: return "null"
        case .array(let items): return "[" + items.map(render).joined(separator: ", ") + "]"
        default: return v.stringValue ?? "?"
        }
    }
}

/// A node of a `vigil explain` trace: what was tested and whether it held.
public struct ExplainNode: Sendable, Hashable {
    public var label: String
    public var result: Bool
    public var children: [ExplainNode]

    public init(label: String, result: Bool, children: [ExplainNode] = []) {
        self.label = label
        self.result = result
        self.children = children
    }

    /// An indented text tree, one line per node, each marked ✓ or ✗.
    public func rendered(indent: Int = 0) -> String {
        var out = String(repeating: "  ", count: indent) + (result ? "✓ " : "✗ ") + label + "\n"
        for child in children { out += child.rendered(indent: indent + 1) }
        return out
    }
}
