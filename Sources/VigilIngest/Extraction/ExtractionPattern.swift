import VigilEvents

/// A compiled extraction pattern: literal text with `%{field}` / `%{field:type}` captures, anchored at both ends.
///
/// - `%{user.name}` captures text up to the next literal (lazily, retrying later occurrences if the rest fails).
/// - `%{user.target.name,user.effective.name:word}` writes one capture to several fields.
/// - `%{source.port:int}`, `%{source.ip:ip}`, `%{x:word}` take the longest run of allowed bytes.
/// - `%{-}` skips any text, possibly empty; `%{-:word}` skips a typed run. `%%` is a literal `%`.
/// - `%{_:kv}` parses the span as `key=value` pairs with the extractor's `kv` table.
///
/// Matching compares literal bytes directly (no regular expressions) and gives up after a fixed number of
/// backtracking steps, so no message can make it slow.
public struct ExtractionPattern: Sendable {
    public struct Capture: Sendable, Hashable {
        /// The fields to set (`%{a,b}` sets both); empty for `-` (skip) and `kv`.
        public var fields: [String]
        public var type: CaptureType
    }

    /// A literal (a range of `literals`) or a capture (an index into `captures`); trivially copyable so
    /// matching does no reference counting.
    struct Element: Sendable {
        var literalStart: Int32
        var literalCount: Int32
        /// The capture index, or -1 for a literal.
        var capture: Int32

        var isLiteral: Bool { capture < 0 }
    }

    /// A pattern that does not compile: what is wrong and the byte offset in the source.
    public struct SyntaxError: Error, Sendable {
        public var message: String
        public var offset: Int
    }

    public let source: String
    public let captures: [Capture]
    let elements: [Element]
    /// All literal bytes, back to back.
    let literals: [UInt8]
    /// `captures[i].type`, as a trivial array for the matcher.
    let types: [CaptureType]
    /// Bloom bits (`FieldWriter`) of each capture's fields.
    let fieldBits: [[UInt8]]

    /// Backtracking steps allowed per match attempt.
    static let budget = 256

    public init(_ source: String) throws(SyntaxError) {
        self.source = source
        var elements: [Element] = []
        var captures: [Capture] = []
        var literals: [UInt8] = []
        var literal: [UInt8] = []
        func flush() {
            guard !literal.isEmpty else { return }
            elements.append(Element(literalStart: Int32(literals.count), literalCount: Int32(literal.count), capture: -1))
            literals += literal
            literal = []
        }
        let bytes = Array(source.utf8)
        var i = 0
        while i < bytes.count {
            let c = bytes[i]
            if c == UInt8(ascii: "%"), i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: "%") {
                literal.append(c)
                i += 2
                continue
            }
            guard c == UInt8(ascii: "%"), i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: "{") else {
                literal.append(c)
                i += 1
                continue
            }
            guard let close = bytes[(i + 2)...].firstIndex(of: UInt8(ascii: "}")) else {
                throw SyntaxError(message: "'%{' without a closing '}'", offset: i)
            }
            let inner = String(decoding: bytes[(i + 2)..<close], as: UTF8.self)
            let parts = inner.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(parts[0])
            let skip = name == "-"
            let names = skip ? [] : name.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            for field in names where !FieldName.isValid(field) {
                throw SyntaxError(message: "'\(field)' is not a field name (letters, digits, '_', '-', '@', dots between)", offset: i + 2)
            }
            var type: CaptureType = skip ? .any : .string
            if parts.count == 2 {
                guard let t = CaptureType(rawValue: String(parts[1])) else {
                    let known = CaptureType.allCases.map(\.rawValue).joined(separator: ", ")
                    throw SyntaxError(message: "unknown capture type '\(parts[1])' (known: \(known))", offset: i + 2 + name.utf8.count + 1)
                }
                type = t
            }
            if !literal.isEmpty {
                flush()
            } else if let previous = elements.last, !previous.isLiteral, !captures[Int(previous.capture)].type.isGreedy {
                let type = captures[Int(previous.capture)].type.rawValue
                throw SyntaxError(message: "a capture after a '\(type)' capture needs literal text between them", offset: i)
            }
            elements.append(Element(literalStart: 0, literalCount: 0, capture: Int32(captures.count)))
            captures.append(Capture(fields: type == .kv ? [] : names, type: type))
            i = close + 1
        }
        flush()
        guard !elements.isEmpty else { throw SyntaxError(message: "empty pattern", offset: 0) }
        self.elements = elements
        self.captures = captures
        self.literals = literals
        self.types = captures.map(\.type)
        self.fieldBits = captures.map { $0.fields.map(FieldWriter.bit) }
    }

    /// Matches the whole of `m[start..<end]`; on success writes each capture's range into `spans`.
    func match(
        _ m: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, spans: UnsafeMutableBufferPointer<(Int, Int)>
    ) -> Bool {
        var budget = Self.budget
        return match(m, start, end, spans: spans, budget: &budget)
    }

    /// `match` with the backtracking budget exposed (tests check that hostile input exhausts it).
    func match(
        _ m: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, spans: UnsafeMutableBufferPointer<(Int, Int)>,
        budget: inout Int
    ) -> Bool {
        elements.withUnsafeBufferPointer { els in
            literals.withUnsafeBufferPointer { lits in
                types.withUnsafeBufferPointer { types in
                    Self.matchFrom(Matcher(els: els, lits: lits, types: types, m: m, end: end, spans: spans), 0, start, &budget)
                }
            }
        }
    }

    /// What the recursive matcher needs, all trivially copyable.
    private struct Matcher {
        let els: UnsafeBufferPointer<Element>
        let lits: UnsafeBufferPointer<UInt8>
        let types: UnsafeBufferPointer<CaptureType>
        let m: UnsafeBufferPointer<UInt8>
        let end: Int
        let spans: UnsafeMutableBufferPointer<(Int, Int)>

        @inline(__always)
        func literalMatches(_ el: Element, at pos: Int) -> Bool {
            let n = Int(el.literalCount)
            guard end &- pos >= n else { return false }
            let l = Int(el.literalStart)
            for k in 0..<n where m[pos &+ k] != lits[l &+ k] { return false }
            return true
        }

        @inline(__always)
        func find(_ el: Element, from: Int) -> Int? {
            let n = Int(el.literalCount)
            let first = lits[Int(el.literalStart)]
            var k = from
            let last = end &- n
            while k <= last {
                if m[k] == first, literalMatches(el, at: k) { return k }
                k &+= 1
            }
            return nil
        }
    }

    private static func matchFrom(_ x: Matcher, _ e: Int, _ pos: Int, _ budget: inout Int) -> Bool {
        if e == x.els.count { return pos == x.end }
        let el = x.els[e]
        if el.isLiteral {
            guard x.literalMatches(el, at: pos) else { return false }
            return matchFrom(x, e &+ 1, pos &+ Int(el.literalCount), &budget)
        }
        let index = Int(el.capture)
        let type = x.types[index]
        let m = x.m
        if type.isGreedy {
            var k = pos
            while k < x.end, type.allows(m[k]) { k &+= 1 }
            if type == .ip {
                while k > pos, !IPAddressSyntax.isValid(m, pos, k), m[k &- 1] == UInt8(ascii: ":") || m[k &- 1] == UInt8(ascii: ".") {
                    k &-= 1
                }
                guard IPAddressSyntax.isValid(m, pos, k) else { return false }
            } else if type == .int {
                guard k > pos, ByteText.signedDecimal(m, pos, k) != nil else { return false }
            }
            guard k > pos else { return false }
            x.spans[index] = (pos, k)
            return matchFrom(x, e &+ 1, k, &budget)
        }
        let minimum = type == .any ? 0 : 1
        if e &+ 1 == x.els.count {
            guard x.end &- pos >= minimum else { return false }
            x.spans[index] = (pos, x.end)
            return true
        }
        let next = x.els[e &+ 1]
        guard next.isLiteral else { return false }
        var from = pos &+ minimum
        while let hit = x.find(next, from: from) {
            budget &-= 1
            if budget <= 0 { return false }
            x.spans[index] = (pos, hit)
            if matchFrom(x, e &+ 2, hit &+ Int(next.literalCount), &budget) { return true }
            from = hit &+ 1
        }
        return false
    }

    /// Whether the message can match at all: its start equals the pattern's leading literal (if any).
    @inline(__always)
    func leadingLiteralMatches(_ m: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        guard let first = elements.first, first.isLiteral else { return true }
        let n = Int(first.literalCount)
        guard end &- start >= n else { return false }
        return literals.withUnsafeBufferPointer { lits in
            for k in 0..<n where m[start &+ k] != lits[k] { return false }
            return true
        }
    }
}
