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

    enum Element: Sendable {
        case literal([UInt8])
        case capture(Int)
    }

    /// A pattern that does not compile: what is wrong and the byte offset in the source.
    public struct SyntaxError: Error, Sendable {
        public var message: String
        public var offset: Int
    }

    public let source: String
    public let captures: [Capture]
    let elements: [Element]

    /// Backtracking steps allowed per match attempt.
    static let budget = 256

    public init(_ source: String) throws(SyntaxError) {
        self.source = source
        var elements: [Element] = []
        var captures: [Capture] = []
        var literal: [UInt8] = []
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
                elements.append(.literal(literal))
                literal = []
            } else if case .capture(let previous)? = elements.last, !captures[previous].type.isGreedy {
                throw SyntaxError(message: "a capture after a '\(captures[previous].type.rawValue)' capture needs literal text between them", offset: i)
            }
            elements.append(.capture(captures.count))
            captures.append(Capture(fields: type == .kv ? [] : names, type: type))
            i = close + 1
        }
        if !literal.isEmpty { elements.append(.literal(literal)) }
        guard !elements.isEmpty else { throw SyntaxError(message: "empty pattern", offset: 0) }
        self.elements = elements
        self.captures = captures
    }

    /// Matches the whole of `m[start..<end]`; on success writes each capture's range into `spans`.
    func match(
        _ m: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, spans: UnsafeMutableBufferPointer<(Int, Int)>
    ) -> Bool {
        var budget = Self.budget
        return elements.withUnsafeBufferPointer { els in
            matchFrom(els, 0, m, start, end, spans, &budget)
        }
    }

    private func matchFrom(
        _ els: UnsafeBufferPointer<Element>, _ e: Int, _ m: UnsafeBufferPointer<UInt8>, _ pos: Int, _ end: Int,
        _ spans: UnsafeMutableBufferPointer<(Int, Int)>, _ budget: inout Int
    ) -> Bool {
        if e == els.count { return pos == end }
        switch els[e] {
        case .literal(let lit):
            guard Self.hasLiteral(lit, m, pos, end) else { return false }
            return matchFrom(els, e + 1, m, pos + lit.count, end, spans, &budget)
        case .capture(let index):
            let type = captures[index].type
            if type.isGreedy {
                var k = pos
                while k < end, type.allows(m[k]) { k += 1 }
                if type == .ip {
                    while k > pos, !IPAddressSyntax.isValid(m, pos, k), m[k - 1] == UInt8(ascii: ":") || m[k - 1] == UInt8(ascii: ".") {
                        k -= 1
                    }
                    guard IPAddressSyntax.isValid(m, pos, k) else { return false }
                } else if type == .int {
                    guard k > pos, ByteText.signedDecimal(m, pos, k) != nil else { return false }
                }
                guard k > pos else { return false }
                spans[index] = (pos, k)
                return matchFrom(els, e + 1, m, k, end, spans, &budget)
            }
            let minimum = type == .any ? 0 : 1
            if e + 1 == els.count {
                guard end - pos >= minimum else { return false }
                spans[index] = (pos, end)
                return true
            }
            guard case .literal(let lit) = els[e + 1] else { return false }
            var from = pos + minimum
            while let hit = Self.find(lit, m, from, end) {
                budget -= 1
                if budget <= 0 { return false }
                spans[index] = (pos, hit)
                if matchFrom(els, e + 2, m, hit + lit.count, end, spans, &budget) { return true }
                from = hit + 1
            }
            return false
        }
    }

    @inline(__always)
    static func hasLiteral(_ lit: [UInt8], _ m: UnsafeBufferPointer<UInt8>, _ pos: Int, _ end: Int) -> Bool {
        guard end - pos >= lit.count else { return false }
        for k in 0..<lit.count where m[pos + k] != lit[k] { return false }
        return true
    }

    @inline(__always)
    static func find(_ lit: [UInt8], _ m: UnsafeBufferPointer<UInt8>, _ from: Int, _ end: Int) -> Int? {
        guard let first = lit.first else { return from }
        var k = from
        let last = end - lit.count
        while k <= last {
            if m[k] == first, hasLiteral(lit, m, k, end) { return k }
            k += 1
        }
        return nil
    }

    /// The first literal, when the pattern starts with one: a cheap pre-check.
    var leadingLiteral: [UInt8]? {
        if case .literal(let lit)? = elements.first { return lit }
        return nil
    }
}
