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
    /// One bit per path hash (`FieldWriter.bit(hash:)`): a cheap filter before looking for a repeated path.
    private(set) var seen: UInt64 = 0

    init(b: UnsafeBufferPointer<UInt8>, tape: UnsafeMutableBufferPointer<JSONToken>, maxFields: Int, fields: Fields) {
        self.b = b
        self.tape = tape
        self.maxFields = maxFields
        self.fields = fields
    }

    // MARK: Path hashing (FNV-1a over the path's UTF-8), computed from the input bytes as paths grow.

    static let hashBasis = FieldWriter.hashBasis

    @inline(__always)
    static func hash(_ h: UInt64, _ c: UInt8) -> UInt64 { FieldWriter.hash(h, c) }

    /// The hash of `prefix` extended by a key token's decoded bytes.
    @inline(__always)
    func hash(_ prefixHash: UInt64, key t: JSONToken, decoded: String?) -> UInt64 {
        var h = prefixHash
        if let decoded {
            for c in decoded.utf8 { h = Self.hash(h, c) }
        } else {
            for k in Int(t.start)..<Int(t.end) { h = Self.hash(h, b[k]) }
        }
        return h
    }

    /// The path for a key under `prefix` (nil at the top level), and its hash.
    @inline(__always)
    func path(prefix: String?, prefixHash: UInt64, key t: JSONToken) -> (String, UInt64) {
        let decoded: String? = t.flag ? JSONStringDecoder.decode(b, t) : nil
        var h = prefixHash
        if prefix != nil { h = Self.hash(h, UInt8(ascii: ".")) }
        h = hash(h, key: t, decoded: decoded)
        guard let prefix else { return (decoded ?? ByteText.string(b, Int(t.start), Int(t.end)), h) }
        if let decoded { return (FieldWriter.path(prefix, decoded), h) }
        return (FieldWriter.path(prefix, b, Int(t.start), Int(t.end)), h)
    }

    /// Flattens the value at `index` under `path`; returns the index after it.
    mutating func value(at index: Int, path: String, hash: UInt64) throws(ParseError) -> Int {
        let t = tape[index]
        switch t.kind {
        case .objectStart:
            return try object(at: index, prefix: path, prefixHash: hash)
        case .arrayStart:
            var collector = ArrayCollector()
            let next = try array(at: index, path: path, hash: hash, into: &collector)
            try collector.emit(path: path, hash: hash, into: &self)
            return next
        default:
            try add(path, hash, try scalar(t))
            return index &+ 1
        }
    }

    /// Flattens the object at `index`, each key prefixed by `prefix.`; returns the index after it.
    mutating func object(at index: Int, prefix: String, prefixHash: UInt64) throws(ParseError) -> Int {
        var k = index &+ 1
        while tape[k].kind != .objectEnd {
            let (path, h) = path(prefix: prefix, prefixHash: prefixHash, key: tape[k])
            k = try value(at: k &+ 1, path: path, hash: h)
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
    mutating func add(_ path: String, _ hash: UInt64, _ value: FieldValue) throws(ParseError) {
        let bit = FieldWriter.bit(hash: hash)
        if seen & bit != 0, FieldWriter.replace(&fields, path, value) { return }
        seen |= bit
        guard fields.count < maxFields else {
            throw ParseError(.jsonTooManyFields, "more than \(maxFields) JSON fields", offset: nil)
        }
        fields.append(path, value)
    }

    /// Gathers an array's elements: scalars and nested arrays as items, objects' fields as lists by path.
    struct ArrayCollector {
        var items: [FieldValue] = []
        var lists: [(path: String, hash: UInt64, values: [FieldValue])] = []

        mutating func collect(_ path: String, _ hash: UInt64, _ value: FieldValue) {
            for k in lists.indices where lists[k].hash == hash && lists[k].path == path {
                lists[k].values.append(value)
                return
            }
            lists.append((path, hash, [value]))
        }

        func emit(path: String, hash: UInt64, into flattener: inout JSONFlattener) throws(ParseError) {
            if !items.isEmpty || lists.isEmpty { try flattener.add(path, hash, .array(items)) }
            for list in lists { try flattener.add(list.path, list.hash, .array(list.values)) }
        }
    }

    /// Collects the array at `index`; returns the index after it.
    mutating func array(at index: Int, path: String, hash: UInt64, into collector: inout ArrayCollector) throws(ParseError) -> Int {
        var k = index &+ 1
        while true {
            let t = tape[k]
            switch t.kind {
            case .arrayEnd:
                return k &+ 1
            case .arrayStart:
                var inner = ArrayCollector()
                k = try array(at: k, path: path, hash: hash, into: &inner)
                if !inner.items.isEmpty || inner.lists.isEmpty { collector.items.append(.array(inner.items)) }
                for list in inner.lists {
                    for v in list.values { collector.collect(list.path, list.hash, v) }
                }
            case .objectStart:
                // Flatten the element on its own, then append each of its fields to the lists.
                var element = JSONFlattener(b: b, tape: tape, maxFields: maxFields, fields: Fields())
                k = try element.collectObject(at: k, prefix: path, prefixHash: hash, into: &collector)
            default:
                collector.items.append(try scalar(t))
                k &+= 1
            }
        }
    }

    /// Flattens an array element object and appends each of its fields to `collector`'s lists.
    private mutating func collectObject(
        at index: Int, prefix: String, prefixHash: UInt64, into collector: inout ArrayCollector
    ) throws(ParseError) -> Int {
        let k = try object(at: index, prefix: prefix, prefixHash: prefixHash)
        // A path's hash is FNV-1a over its UTF-8, so it can be recomputed from the final paths.
        for field in fields {
            var h = Self.hashBasis
            for c in field.path.utf8 { h = Self.hash(h, c) }
            collector.collect(field.path, h, field.value)
        }
        return k
    }
}
