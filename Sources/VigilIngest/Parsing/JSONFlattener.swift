import VigilEvents

/// Walks a validated token tape and flattens it into dotted-path fields.
///
/// Objects become dotted paths; arrays become `.array`. In an array of objects, `a.b` is the list of each
/// element's `b` (elements without `b` are skipped). A repeated key keeps its last value, as JSON parsers do.
/// Recursion is bounded by the tokenizer's depth limit.
struct JSONFlattener {
    let b: UnsafeBufferPointer<UInt8>
    let tape: UnsafeMutableBufferPointer<JSONToken>
    let maxFields: Int
    var fields: Fields
    /// One bit per path hash: a cheap filter before looking for a repeated path.
    private var seen: UInt64 = 0

    init(b: UnsafeBufferPointer<UInt8>, tape: UnsafeMutableBufferPointer<JSONToken>, maxFields: Int, fields: Fields) {
        self.b = b
        self.tape = tape
        self.maxFields = maxFields
        self.fields = fields
    }

    /// Flattens the value at `index` under `path`; returns the index after it.
    mutating func value(at index: Int, path: String) throws(ParseError) -> Int {
        let t = tape[index]
        switch t.kind {
        case .objectStart:
            return try object(at: index, prefix: path)
        case .arrayStart:
            var collector = ArrayCollector()
            let next = try array(at: index, path: path, into: &collector)
            try collector.emit(path: path, into: &self)
            return next
        default:
            try add(path, try scalar(t))
            return index &+ 1
        }
    }

    /// Flattens the object at `index`, each key prefixed by `prefix.`; returns the index after it.
    mutating func object(at index: Int, prefix: String) throws(ParseError) -> Int {
        var k = index &+ 1
        while tape[k].kind != .objectEnd {
            let key = JSONStringDecoder.decode(b, tape[k])
            k = try value(at: k &+ 1, path: prefix + "." + key)
        }
        return k &+ 1
    }

    /// The scalar a token holds. A number beyond Double's range is an error, as in Foundation.
    @inline(__always)
    func scalar(_ t: JSONToken) throws(ParseError) -> FieldValue {
        switch t.kind {
        case .string: return .string(JSONStringDecoder.decode(b, t))
        case .number:
            let value = JSONNumber.value(b, Int(t.start), Int(t.end), integral: t.flag)
            if case .double(let d) = value, !d.isFinite {
                throw ParseError(.jsonSyntax, "number out of range", offset: Int(t.start))
            }
            return value
        case .trueValue: return .bool(true)
        case .falseValue: return .bool(false)
        default: return .null
        }
    }

    /// Adds a field; a path seen before is replaced (last value wins).
    @inline(__always)
    mutating func add(_ path: String, _ value: FieldValue) throws(ParseError) {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for c in path.utf8 { h = (h ^ UInt64(c)) &* 0x100_0000_01B3 }
        let bit: UInt64 = 1 << (h >> 58)
        if seen & bit != 0, fields[path] != nil {
            fields[path] = value
            return
        }
        seen |= bit
        guard fields.count < maxFields else {
            throw ParseError(.jsonTooManyFields, "more than \(maxFields) JSON fields", offset: nil)
        }
        fields.append(path, value)
    }

    /// Gathers an array's elements: scalars and nested arrays as items, objects' fields as lists by path.
    struct ArrayCollector {
        var items: [FieldValue] = []
        var lists: [(path: String, values: [FieldValue])] = []

        mutating func collect(_ path: String, _ value: FieldValue) {
            for k in lists.indices where lists[k].path == path {
                lists[k].values.append(value)
                return
            }
            lists.append((path, [value]))
        }

        func emit(path: String, into flattener: inout JSONFlattener) throws(ParseError) {
            if !items.isEmpty || lists.isEmpty { try flattener.add(path, .array(items)) }
            for list in lists { try flattener.add(list.path, .array(list.values)) }
        }
    }

    /// Collects the array at `index`; returns the index after it.
    mutating func array(at index: Int, path: String, into collector: inout ArrayCollector) throws(ParseError) -> Int {
        var k = index &+ 1
        while true {
            let t = tape[k]
            switch t.kind {
            case .arrayEnd:
                return k &+ 1
            case .arrayStart:
                var inner = ArrayCollector()
                k = try array(at: k, path: path, into: &inner)
                if !inner.items.isEmpty || inner.lists.isEmpty { collector.items.append(.array(inner.items)) }
                for list in inner.lists {
                    for v in list.values { collector.collect(list.path, v) }
                }
            case .objectStart:
                // Flatten the element on its own, then append each of its fields to the lists.
                let outer = fields
                let outerSeen = seen
                fields = Fields()
                seen = 0
                k = try object(at: k, prefix: path)
                let element = fields
                fields = outer
                seen = outerSeen
                for field in element { collector.collect(field.path, field.value) }
            default:
                collector.items.append(try scalar(t))
                k &+= 1
            }
        }
    }
}
