/// A strict RFC 8259 validator that writes a flat token tape; no recursion, no allocation of its own.
///
/// Rejects trailing commas, leading zeros, NaN/Infinity, unescaped control characters, bad escapes,
/// lone or mismatched surrogates (`\uD800`), and invalid UTF-8 (overlongs, encoded surrogates).
/// Depth is checked when a container opens, so 10,000 nested `[` fail at `maxDepth + 1`.
struct JSONTokenizer {
    let b: UnsafeBufferPointer<UInt8>
    let maxDepth: Int
    let maxValues: Int
    /// When false, the top-level value must be an object (an event).
    let allowAnyTopLevel: Bool

    private enum State { case value, firstKey, key, firstElement, afterValue }

    /// Tokenizes into `tape` (capacity at least `b.count`) and returns the number of tokens written.
    func tokenize(into tape: UnsafeMutableBufferPointer<JSONToken>) throws(ParseError) -> Int {
        let n = b.count
        var count = 0
        var i = 0
        var state = State.value
        // One bit per open container: 1 = object. Depth beyond 64 spills into `deep`.
        var depth = 0
        var shallow: UInt64 = 0
        var deep: [Bool] = []

        @inline(__always) func emit(_ kind: JSONToken.Kind, _ flag: Bool, _ s: Int, _ e: Int) throws(ParseError) {
            guard count < tape.count, count < maxValues &* 2 &+ 2 else {
                throw ParseError(.jsonTooManyFields, "more than \(maxValues) JSON values", offset: s)
            }
            tape[count] = JSONToken(kind: kind, flag: flag, start: Int32(truncatingIfNeeded: s), end: Int32(truncatingIfNeeded: e))
            count &+= 1
        }
        @inline(__always) func topIsObject() -> Bool {
            depth <= 64 ? (shallow >> UInt64(depth &- 1)) & 1 == 1 : deep[depth &- 65]
        }
        @inline(__always) func push(_ isObject: Bool, at offset: Int) throws(ParseError) {
            guard depth < maxDepth else {
                throw ParseError(.jsonDepth, "JSON nested deeper than \(maxDepth)", offset: offset)
            }
            if depth < 64 {
                let bit: UInt64 = 1 << UInt64(depth)
                if isObject { shallow |= bit } else { shallow &= ~bit }
            } else {
                deep.append(isObject)
            }
            depth &+= 1
        }
        @inline(__always) func pop() {
            depth &-= 1
            if depth >= 64 { deep.removeLast() }
        }

        while true {
            while i < n, b[i] == 0x20 || b[i] == 0x0A || b[i] == 0x0D || b[i] == 0x09 { i &+= 1 }
            switch state {
            case .value:
                guard i < n else {
                    if count == 0 { throw ParseError(.empty, "no JSON value", offset: i) }
                    throw ParseError(.jsonSyntax, "input ends where a value is expected", offset: i)
                }
                let c = b[i]
                if count == 0, !allowAnyTopLevel, c != UInt8(ascii: "{") {
                    if c == UInt8(ascii: "[") || c == UInt8(ascii: "\"") || c == UInt8(ascii: "-") || c &- 48 <= 9
                        || c == UInt8(ascii: "t") || c == UInt8(ascii: "f") || c == UInt8(ascii: "n")
                    {
                        throw ParseError(.notAnObject, "the top-level JSON value must be an object", offset: i)
                    }
                    throw ParseError(.jsonSyntax, "expected '{'", offset: i)
                }
                switch c {
                case UInt8(ascii: "{"):
                    try push(true, at: i)
                    try emit(.objectStart, false, i, i &+ 1)
                    i &+= 1
                    state = .firstKey
                case UInt8(ascii: "["):
                    try push(false, at: i)
                    try emit(.arrayStart, false, i, i &+ 1)
                    i &+= 1
                    state = .firstElement
                case UInt8(ascii: "\""):
                    let s = i &+ 1
                    let (e, escaped) = try scanString(from: s)
                    try emit(.string, escaped, s, e)
                    i = e &+ 1
                    state = .afterValue
                case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                    let s = i
                    let integral = try scanNumber(&i)
                    try emit(.number, integral, s, i)
                    state = .afterValue
                case UInt8(ascii: "t"):
                    try literal(&i, "true")
                    try emit(.trueValue, false, i &- 4, i)
                    state = .afterValue
                case UInt8(ascii: "f"):
                    try literal(&i, "false")
                    try emit(.falseValue, false, i &- 5, i)
                    state = .afterValue
                case UInt8(ascii: "n"):
                    try literal(&i, "null")
                    try emit(.null, false, i &- 4, i)
                    state = .afterValue
                default:
                    if c >= 0x80 || c < 0x20 {
                        if c >= 0x80, UTF8Validator.sequenceLength(b.baseAddress!, i, n) == 0 {
                            throw ParseError(.invalidUTF8, "invalid UTF-8 outside a string", offset: i)
                        }
                    }
                    throw ParseError(.jsonSyntax, "unexpected character where a value is expected", offset: i)
                }
            case .firstKey, .key:
                guard i < n else { throw ParseError(.jsonSyntax, "input ends inside an object", offset: i) }
                if state == .firstKey, b[i] == UInt8(ascii: "}") {
                    try emit(.objectEnd, false, i, i &+ 1)
                    pop()
                    i &+= 1
                    state = .afterValue
                    continue
                }
                guard b[i] == UInt8(ascii: "\"") else {
                    throw ParseError(.jsonSyntax, state == .key ? "expected a key after ','" : "expected a key or '}'", offset: i)
                }
                let s = i &+ 1
                let (e, escaped) = try scanString(from: s)
                try emit(.string, escaped, s, e)
                i = e &+ 1
                while i < n, b[i] == 0x20 || b[i] == 0x0A || b[i] == 0x0D || b[i] == 0x09 { i &+= 1 }
                guard i < n, b[i] == UInt8(ascii: ":") else {
                    throw ParseError(.jsonSyntax, "expected ':' after a key", offset: i)
                }
                i &+= 1
                state = .value
            case .firstElement:
                guard i < n else { throw ParseError(.jsonSyntax, "input ends inside an array", offset: i) }
                if b[i] == UInt8(ascii: "]") {
                    try emit(.arrayEnd, false, i, i &+ 1)
                    pop()
                    i &+= 1
                    state = .afterValue
                } else {
                    state = .value
                }
            case .afterValue:
                if depth == 0 {
                    guard i == n else { throw ParseError(.jsonSyntax, "characters after the JSON value", offset: i) }
                    return count
                }
                guard i < n else { throw ParseError(.jsonSyntax, "input ends inside a container", offset: i) }
                let c = b[i]
                let inObject = topIsObject()
                if c == UInt8(ascii: ",") {
                    i &+= 1
                    state = inObject ? .key : .value
                    if !inObject {
                        // A trailing comma: `[1,]`.
                        var k = i
                        while k < n, b[k] == 0x20 || b[k] == 0x0A || b[k] == 0x0D || b[k] == 0x09 { k &+= 1 }
                        if k < n, b[k] == UInt8(ascii: "]") {
                            throw ParseError(.jsonSyntax, "trailing comma in an array", offset: k)
                        }
                    }
                } else if c == UInt8(ascii: "}"), inObject {
                    try emit(.objectEnd, false, i, i &+ 1)
                    pop()
                    i &+= 1
                } else if c == UInt8(ascii: "]"), !inObject {
                    try emit(.arrayEnd, false, i, i &+ 1)
                    pop()
                    i &+= 1
                } else {
                    throw ParseError(.jsonSyntax, inObject ? "expected ',' or '}'" : "expected ',' or ']'", offset: i)
                }
            }
        }
    }

    @inline(__always)
    private func literal(_ i: inout Int, _ word: StaticString) throws(ParseError) {
        guard ByteText.hasPrefix(b, at: i, word) else {
            throw ParseError(.jsonSyntax, "invalid literal (expected \(word))", offset: i)
        }
        i &+= word.utf8CodeUnitCount
    }

    /// Validates a number literal at `i` and moves past it. Returns whether it is integral.
    @inline(__always)
    private func scanNumber(_ i: inout Int) throws(ParseError) -> Bool {
        let n = b.count
        let start = i
        if b[i] == UInt8(ascii: "-") { i &+= 1 }
        guard i < n else { throw ParseError(.jsonSyntax, "'-' without digits", offset: start) }
        if b[i] == UInt8(ascii: "0") {
            i &+= 1
            if i < n, b[i] &- 48 <= 9 { throw ParseError(.jsonSyntax, "number with a leading zero", offset: start) }
        } else if b[i] &- 49 <= 8 {
            i &+= 1
            while i < n, b[i] &- 48 <= 9 { i &+= 1 }
        } else {
            throw ParseError(.jsonSyntax, "expected a digit", offset: i)
        }
        var integral = true
        if i < n, b[i] == UInt8(ascii: ".") {
            integral = false
            i &+= 1
            let s = i
            while i < n, b[i] &- 48 <= 9 { i &+= 1 }
            guard i > s else { throw ParseError(.jsonSyntax, "expected digits after '.'", offset: i) }
        }
        if i < n, b[i] | 0x20 == UInt8(ascii: "e") {
            integral = false
            i &+= 1
            if i < n, b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") { i &+= 1 }
            let s = i
            while i < n, b[i] &- 48 <= 9 { i &+= 1 }
            guard i > s else { throw ParseError(.jsonSyntax, "expected digits in the exponent", offset: i) }
        }
        return integral
    }

    /// Scans string content from `s` (after the opening quote). Returns the closing quote's index and
    /// whether the content holds escapes.
    @inline(__always)
    private func scanString(from s: Int) throws(ParseError) -> (Int, Bool) {
        let n = b.count
        let p = b.baseAddress!
        var i = s
        var escaped = false
        while true {
            // Eight plain bytes at a time: no quote, backslash, control or non-ASCII byte.
            while i &+ 8 <= n {
                let w = UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self)
                let ones: UInt64 = 0x0101_0101_0101_0101
                let highs: UInt64 = 0x8080_8080_8080_8080
                let q = w ^ (ones &* 0x22)
                let bs = w ^ (ones &* 0x5C)
                let special = ((q &- ones) & ~q) | ((bs &- ones) & ~bs) | (w &- ones &* 0x20) | w
                if special & highs != 0 { break }
                i &+= 8
            }
            guard i < n else { throw ParseError(.jsonSyntax, "unterminated string", offset: s &- 1) }
            let c = p[i]
            if c == UInt8(ascii: "\"") { return (i, escaped) }
            if c == UInt8(ascii: "\\") {
                escaped = true
                i = try scanEscape(at: i)
            } else if c < 0x20 {
                throw ParseError(.jsonSyntax, "unescaped control character in a string", offset: i)
            } else if c >= 0x80 {
                let len = UTF8Validator.sequenceLength(p, i, n)
                guard len > 0 else { throw ParseError(.invalidUTF8, "invalid UTF-8 in a string", offset: i) }
                i &+= len
            } else {
                i &+= 1
            }
        }
    }

    /// Validates the escape at `i` (the backslash) and returns the index after it.
    @inline(__always)
    private func scanEscape(at i: Int) throws(ParseError) -> Int {
        let n = b.count
        guard i &+ 1 < n else { throw ParseError(.jsonSyntax, "unterminated string", offset: i) }
        switch b[i &+ 1] {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
             UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            return i &+ 2
        case UInt8(ascii: "u"):
            guard let unit = JSONTokenizer.hex4(b, i &+ 2) else {
                throw ParseError(.badEscape, "\\u needs four hex digits", offset: i)
            }
            if unit >= 0xDC00, unit <= 0xDFFF {
                throw ParseError(.badEscape, "lone low surrogate", offset: i)
            }
            if unit >= 0xD800, unit <= 0xDBFF {
                guard i &+ 11 < n, b[i &+ 6] == UInt8(ascii: "\\"), b[i &+ 7] == UInt8(ascii: "u"),
                      let low = JSONTokenizer.hex4(b, i &+ 8), low >= 0xDC00, low <= 0xDFFF
                else { throw ParseError(.badEscape, "high surrogate without a low surrogate", offset: i) }
                return i &+ 12
            }
            return i &+ 6
        default:
            throw ParseError(.badEscape, "invalid escape", offset: i)
        }
    }

    /// Four hex digits at `b[at]`, or nil.
    @inline(__always)
    static func hex4(_ b: UnsafeBufferPointer<UInt8>, _ at: Int) -> UInt32? {
        guard at &+ 4 <= b.count else { return nil }
        var v: UInt32 = 0
        for k in at..<(at &+ 4) {
            let c = b[k]
            let d: UInt8
            if c &- 48 <= 9 { d = c &- 48 } else if (c | 0x20) &- 97 <= 5 { d = (c | 0x20) &- 87 } else { return nil }
            v = v << 4 | UInt32(d)
        }
        return v
    }
}
