import VigilEvents

/// A strict RFC 8259 parser that flattens while it validates: one pass over the bytes, no token tape,
/// no Foundation.
///
/// Rejects trailing commas, leading zeros, NaN/Infinity, unescaped control characters, bad escapes, lone or
/// mismatched surrogates (`\uD800`), invalid UTF-8 (overlongs, encoded surrogates) and numbers beyond Double.
/// Nesting is checked before descending, so recursion never goes deeper than `maxDepth` (at most 256) and
/// 10,000 nested `[` fail at `maxDepth + 1` with `json_depth`.
///
/// Objects become dotted paths; arrays become `.array`. In an array of objects, `a.b` is the list of each
/// element's `b` (elements without `b` are skipped). A repeated key keeps its last value, as JSON parsers do.
struct JSONFlatteningParser {
    let b: UnsafeBufferPointer<UInt8>
    let p: UnsafePointer<UInt8>
    let n: Int
    let maxDepth: Int
    let maxFields: Int
    let maxValues: Int
    /// The interned-path table, fetched once per parse.
    let interned = InternedPaths.Table.shared
    var i = 0
    var values = 0
    var fields: Fields
    /// `fields.count`, kept here because `Fields.count` is not inlinable across modules.
    var fieldCount = 0
    /// Bloom bits of the paths written (`FieldWriter`): a cheap filter before looking for a repeated path.
    var seen = PathBloom()

    init(_ b: UnsafeBufferPointer<UInt8>, limits: ParserLimits, fields: Fields) {
        self.b = b
        self.p = b.baseAddress!
        self.n = b.count
        self.maxDepth = limits.maxJSONDepth
        self.maxFields = limits.maxFields
        self.maxValues = limits.maxJSONValues
        self.fields = fields
        self.fieldCount = fields.count
    }

    // MARK: Lexing

    @inline(__always)
    mutating func skipWhitespace() {
        while i < n {
            let c = p[i]
            guard c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 else { return }
            i &+= 1
        }
    }

    @inline(__always)
    func syntax(_ detail: String) -> ParseError { ParseError(.jsonSyntax, detail, offset: i) }

    /// Scans a string whose opening quote is at `i`. Returns its content range and whether it has escapes;
    /// `i` ends after the closing quote.
    @inline(__always)
    mutating func scanString() throws(ParseError) -> (Int, Int, Bool) {
        let s = i &+ 1
        var k = s
        var escaped = false
        while true {
            // Eight bytes at a time: the lowest flagged byte (quote, backslash, control, non-ASCII) is exact.
            if k &+ 8 <= n {
                let w = UInt64(littleEndian: UnsafeRawPointer(p + k).loadUnaligned(as: UInt64.self))
                let ones: UInt64 = 0x0101_0101_0101_0101
                let q = w ^ (ones &* 0x22)
                let bs = w ^ (ones &* 0x5C)
                let special = (((q &- ones) & ~q) | ((bs &- ones) & ~bs) | ((w &- ones &* 0x20) & ~w) | w) & (ones &* 0x80)
                if special == 0 {
                    k &+= 8
                    continue
                }
                k &+= special.trailingZeroBitCount >> 3
            } else {
                while k < n {
                    let c = p[k]
                    if c == UInt8(ascii: "\"") || c == UInt8(ascii: "\\") || c < 0x20 || c >= 0x80 { break }
                    k &+= 1
                }
                guard k < n else { throw ParseError(.jsonSyntax, "unterminated string", offset: s &- 1) }
            }
            let c = p[k]
            if c == UInt8(ascii: "\"") {
                i = k &+ 1
                return (s, k, escaped)
            }
            if c == UInt8(ascii: "\\") {
                escaped = true
                k = try Self.scanEscape(b, at: k)
            } else if c < 0x20 {
                throw ParseError(.jsonSyntax, "unescaped control character in a string", offset: k)
            } else {
                let len = UTF8Validator.sequenceLength(p, k, n)
                guard len > 0 else { throw ParseError(.invalidUTF8, "invalid UTF-8 in a string", offset: k) }
                k &+= len
            }
        }
    }

    /// Validates the escape at `k` (the backslash) and returns the index after it.
    @inline(__always)
    static func scanEscape(_ b: UnsafeBufferPointer<UInt8>, at k: Int) throws(ParseError) -> Int {
        let p = b.baseAddress!
        let n = b.count
        guard k &+ 1 < n else { throw ParseError(.jsonSyntax, "unterminated string", offset: k) }
        switch p[k &+ 1] {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
             UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            return k &+ 2
        case UInt8(ascii: "u"):
            guard let unit = JSONStringDecoder.hex4(b, k &+ 2) else {
                throw ParseError(.badEscape, "\\u needs four hex digits", offset: k)
            }
            if unit >= 0xDC00, unit <= 0xDFFF { throw ParseError(.badEscape, "lone low surrogate", offset: k) }
            if unit >= 0xD800, unit <= 0xDBFF {
                guard k &+ 11 < n, p[k &+ 6] == UInt8(ascii: "\\"), p[k &+ 7] == UInt8(ascii: "u"),
                      let low = JSONStringDecoder.hex4(b, k &+ 8), low >= 0xDC00, low <= 0xDFFF
                else { throw ParseError(.badEscape, "high surrogate without a low surrogate", offset: k) }
                return k &+ 12
            }
            return k &+ 6
        default:
            throw ParseError(.badEscape, "invalid escape", offset: k)
        }
    }

    /// Scans a number at `i`; returns its start and whether it is integral. `i` ends after it.
    @inline(__always)
    mutating func scanNumber() throws(ParseError) -> (Int, Bool) {
        let start = i
        if p[i] == UInt8(ascii: "-") { i &+= 1 }
        guard i < n else { throw ParseError(.jsonSyntax, "'-' without digits", offset: start) }
        if p[i] == UInt8(ascii: "0") {
            i &+= 1
            if i < n, p[i] &- 48 <= 9 { throw ParseError(.jsonSyntax, "number with a leading zero", offset: start) }
        } else if p[i] &- 49 <= 8 {
            i &+= 1
            while i < n, p[i] &- 48 <= 9 { i &+= 1 }
        } else {
            throw syntax("expected a digit")
        }
        var integral = true
        if i < n, p[i] == UInt8(ascii: ".") {
            integral = false
            i &+= 1
            let s = i
            while i < n, p[i] &- 48 <= 9 { i &+= 1 }
            guard i > s else { throw syntax("expected digits after '.'") }
        }
        if i < n, p[i] | 0x20 == UInt8(ascii: "e") {
            integral = false
            i &+= 1
            if i < n, p[i] == UInt8(ascii: "+") || p[i] == UInt8(ascii: "-") { i &+= 1 }
            let s = i
            while i < n, p[i] &- 48 <= 9 { i &+= 1 }
            guard i > s else { throw syntax("expected digits in the exponent") }
        }
        return (start, integral)
    }

    @inline(__always)
    mutating func literal(_ word: StaticString) throws(ParseError) {
        guard ByteText.hasPrefix(b, at: i, word) else { throw syntax("invalid literal (expected \(word))") }
        i &+= word.utf8CodeUnitCount
    }

    /// A scalar value at `i` (not an object or array).
    @inline(__always)
    mutating func scalar() throws(ParseError) -> FieldValue {
        values &+= 1
        guard values <= maxValues else {
            throw ParseError(.jsonTooManyFields, "more than \(maxValues) JSON values", offset: i)
        }
        let c = p[i]
        switch c {
        case UInt8(ascii: "\""):
            let (s, e, escaped) = try scanString()
            return .string(JSONStringDecoder.decode(b, s, e, escaped: escaped))
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            let (s, integral) = try scanNumber()
            let value = JSONNumber.value(b, s, i, integral: integral)
            if case .double(let d) = value, !d.isFinite { throw ParseError(.jsonSyntax, "number out of range", offset: s) }
            return value
        case UInt8(ascii: "t"):
            try literal("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try literal("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try literal("null")
            return .null
        default:
            if c >= 0x80, UTF8Validator.sequenceLength(p, i, n) == 0 {
                throw ParseError(.invalidUTF8, "invalid UTF-8 outside a string", offset: i)
            }
            throw syntax("unexpected character where a value is expected")
        }
    }

    /// After a member or element: `,` (returns true, positioned at the next key or value) or `close`.
    @inline(__always)
    mutating func separator(close: UInt8, inObject: Bool) throws(ParseError) -> Bool {
        skipWhitespace()
        guard i < n else { throw syntax(inObject ? "input ends inside an object" : "input ends inside an array") }
        let c = p[i]
        if c == UInt8(ascii: ",") {
            i &+= 1
            skipWhitespace()
            guard i < n else { throw syntax("input ends after ','") }
            if inObject {
                guard p[i] == UInt8(ascii: "\"") else { throw syntax("expected a key after ','") }
            } else if p[i] == UInt8(ascii: "]") {
                throw syntax("trailing comma in an array")
            }
            return true
        }
        if c == close {
            i &+= 1
            return false
        }
        throw syntax(inObject ? "expected ',' or '}'" : "expected ',' or ']'")
    }

    /// After `"key"`: whitespace, `:`, whitespace, and a value must follow.
    @inline(__always)
    mutating func colon() throws(ParseError) {
        skipWhitespace()
        guard i < n, p[i] == UInt8(ascii: ":") else { throw syntax("expected ':' after a key") }
        i &+= 1
        skipWhitespace()
        guard i < n else { throw syntax("input ends where a value is expected") }
    }

    // MARK: Paths

    /// The path for the key `b[s..<e]` under `prefix` (nil at the top level), its hash, and its interned index
    /// (-1 when not interned). `prefixIndex` is the prefix's interned index.
    /// Static (not a method) so calling it from a mutating context does not copy the parser.
    @inline(__always)
    static func path(
        _ b: UnsafeBufferPointer<UInt8>, _ interned: InternedPaths.Table, prefix: String?, prefixHash: UInt64,
        prefixIndex: Int32, _ s: Int, _ e: Int, escaped: Bool
    ) -> (String, UInt64, Int32) {
        let p = b.baseAddress!
        var h = prefixHash
        if prefix != nil { h = FieldWriter.hash(h, UInt8(ascii: ".")) }
        if !escaped {
            for k in s..<e { h = FieldWriter.hash(h, p[k]) }
            if prefix == nil || prefixIndex >= 0,
               let (interned, index) = InternedPaths.lookup(in: interned, hash: h, parent: prefix == nil ? -1 : prefixIndex, b, s, e)
            {
                return (interned, h, index)
            }
            guard let prefix else { return (ByteText.string(b, s, e), h, -1) }
            return (FieldWriter.path(prefix, b, s, e), h, -1)
        }
        let decoded = JSONStringDecoder.decode(b, s, e, escaped: true)
        for c in decoded.utf8 { h = FieldWriter.hash(h, c) }
        guard let prefix else { return (decoded, h, -1) }
        return (FieldWriter.path(prefix, decoded), h, -1)
    }

    /// Adds a field; a path seen before is replaced (last value wins).
    @inline(__always)
    mutating func add(_ path: String, _ hash: UInt64, _ value: FieldValue) throws(ParseError) {
        let bit = FieldWriter.bit(hash: hash)
        if seen.contains(bit), FieldWriter.replace(&fields, path, value) { return }
        seen.insert(bit)
        guard fieldCount < maxFields else {
            throw ParseError(.jsonTooManyFields, "more than \(maxFields) JSON fields", offset: i)
        }
        fields.append(path, value)
        fieldCount &+= 1
    }

    // MARK: Values

    /// Flattens the value at `i` under `path`.
    mutating func value(path: String, hash: UInt64, index: Int32, depth: Int) throws(ParseError) {
        switch p[i] {
        case UInt8(ascii: "{"):
            try object(prefix: path, prefixHash: hash, prefixIndex: index, depth: depth &+ 1)
        case UInt8(ascii: "["):
            var collector = ArrayCollector()
            try array(path: path, hash: hash, depth: depth &+ 1, into: &collector)
            try collector.emit(path: path, hash: hash, into: &self)
        default:
            try add(path, hash, try scalar())
        }
    }

    /// Flattens the object at `i` (its `{`), each key prefixed by `prefix.`; `depth` counts it.
    mutating func object(prefix: String, prefixHash: UInt64, prefixIndex: Int32, depth: Int) throws(ParseError) {
        guard depth <= maxDepth else { throw ParseError(.jsonDepth, "JSON nested deeper than \(maxDepth)", offset: i) }
        values &+= 1
        i &+= 1
        skipWhitespace()
        guard i < n else { throw syntax("input ends inside an object") }
        if p[i] == UInt8(ascii: "}") {
            i &+= 1
            return
        }
        guard p[i] == UInt8(ascii: "\"") else { throw syntax("expected a key or '}'") }
        repeat {
            let (s, e, escaped) = try scanString()
            try colon()
            let (path, h, index) = Self.path(b, interned, prefix: prefix, prefixHash: prefixHash, prefixIndex: prefixIndex, s, e, escaped: escaped)
            try value(path: path, hash: h, index: index, depth: depth)
        } while try separator(close: UInt8(ascii: "}"), inObject: true)
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

        func emit(path: String, hash: UInt64, into parser: inout JSONFlatteningParser) throws(ParseError) {
            if !items.isEmpty || lists.isEmpty { try parser.add(path, hash, .array(items)) }
            for list in lists { try parser.add(list.path, list.hash, .array(list.values)) }
        }
    }

    /// Collects the array at `i` (its `[`); `depth` counts it.
    mutating func array(path: String, hash: UInt64, depth: Int, into collector: inout ArrayCollector) throws(ParseError) {
        guard depth <= maxDepth else { throw ParseError(.jsonDepth, "JSON nested deeper than \(maxDepth)", offset: i) }
        values &+= 1
        i &+= 1
        skipWhitespace()
        guard i < n else { throw syntax("input ends inside an array") }
        if p[i] == UInt8(ascii: "]") {
            i &+= 1
            return
        }
        repeat {
            switch p[i] {
            case UInt8(ascii: "["):
                var inner = ArrayCollector()
                try array(path: path, hash: hash, depth: depth &+ 1, into: &inner)
                if !inner.items.isEmpty || inner.lists.isEmpty { collector.items.append(.array(inner.items)) }
                for list in inner.lists {
                    for v in list.values { collector.collect(list.path, list.hash, v) }
                }
            case UInt8(ascii: "{"):
                // Flatten the element on its own, then append each of its fields to the lists.
                let outerFields = fields
                let outerSeen = seen
                let outerCount = fieldCount
                fields = Fields()
                seen = PathBloom()
                fieldCount = 0
                try object(prefix: path, prefixHash: hash, prefixIndex: -1, depth: depth &+ 1)
                let element = fields
                fields = outerFields
                seen = outerSeen
                fieldCount = outerCount
                for field in element {
                    var h = FieldWriter.hashBasis
                    for c in field.path.utf8 { h = FieldWriter.hash(h, c) }
                    collector.collect(field.path, h, field.value)
                }
            default:
                collector.items.append(try scalar())
            }
        } while try separator(close: UInt8(ascii: "]"), inObject: false)
    }
}
