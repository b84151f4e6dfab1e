/// A compiled string test: equality, prefix, suffix, substring, or a general wildcard pattern.
///
/// Case-insensitive patterns hold lowercased bytes; the haystack is folded while comparing.
final class StringPattern: Sendable {
    enum Kind: Sendable, Hashable {
        case equals
        case prefix
        case suffix
        case contains
        /// `*` alone: any string value.
        case anything
        case glob
    }

    let kind: Kind
    /// The literal bytes for equals/prefix/suffix/contains.
    let bytes: [UInt8]
    /// Tokens for `.glob`.
    let glob: [GlobToken]
    let caseSensitive: Bool
    /// The Sigma text, for explanations.
    let display: String

    enum GlobToken: Sendable, Hashable {
        case literal([UInt8])
        case star
        case question
    }

    init(_ value: SigmaString, caseSensitive: Bool) {
        self.caseSensitive = caseSensitive
        self.display = value.description
        var elements = value.elements
        // Collapse runs of `*`.
        var collapsed: [SigmaString.Element] = []
        for e in elements where !(e == .anyString && collapsed.last == .anyString) { collapsed.append(e) }
        elements = collapsed
        func literalBytes(_ els: ArraySlice<SigmaString.Element>) -> [UInt8]? {
            var s = String.UnicodeScalarView()
            for e in els {
                guard case .char(let c) = e else { return nil }
                s.append(c)
            }
            let text = String(s)
            return Array((caseSensitive ? text : CaseFolding.fold(text)).utf8)
        }
        let n = elements.count
        if n == 1, elements[0] == .anyString {
            kind = .anything; bytes = []; glob = []
            return
        }
        if let lit = literalBytes(elements[...]) {
            kind = .equals; bytes = lit; glob = []
            return
        }
        if n >= 2, elements[0] == .anyString, elements[n - 1] == .anyString, let lit = literalBytes(elements[1..<(n - 1)]) {
            kind = .contains; bytes = lit; glob = []
            return
        }
        if n >= 1, elements[n - 1] == .anyString, let lit = literalBytes(elements[0..<(n - 1)]) {
            kind = .prefix; bytes = lit; glob = []
            return
        }
        if n >= 1, elements[0] == .anyString, let lit = literalBytes(elements[1...]) {
            kind = .suffix; bytes = lit; glob = []
            return
        }
        var tokens: [GlobToken] = []
        var run = String.UnicodeScalarView()
        func flush() {
            if !run.isEmpty {
                let text = String(run)
                tokens.append(.literal(Array((caseSensitive ? text : CaseFolding.fold(text)).utf8)))
                run = String.UnicodeScalarView()
            }
        }
        for e in elements {
            switch e {
            case .char(let c): run.append(c)
            case .anyString: flush(); tokens.append(.star)
            case .anyChar: flush(); tokens.append(.question)
            }
        }
        flush()
        kind = .glob; bytes = []; glob = tokens
    }

    /// Tests one string.
    func matches(_ s: String) -> Bool {
        if kind == .anything { return true }
        return CaseFolding.withBytes(s, caseSensitive: caseSensitive) { hay, fold in
            matches(bytes: hay, fold: fold)
        }
    }

    @inline(__always)
    func matches(bytes hay: UnsafeBufferPointer<UInt8>, fold: Bool) -> Bool {
        switch kind {
        case .anything: return true
        case .equals:
            return hay.count == bytes.count && StringPattern.equal(hay, 0, bytes, fold: fold)
        case .prefix:
            return hay.count >= bytes.count && StringPattern.equal(hay, 0, bytes, fold: fold)
        case .suffix:
            return hay.count >= bytes.count && StringPattern.equal(hay, hay.count - bytes.count, bytes, fold: fold)
        case .contains:
            return StringPattern.find(bytes, in: hay, from: 0, fold: fold) != nil
        case .glob:
            return StringPattern.globMatch(glob, hay, fold: fold)
        }
    }

    @inline(__always)
    static func equal(_ hay: UnsafeBufferPointer<UInt8>, _ start: Int, _ needle: [UInt8], fold: Bool) -> Bool {
        needle.withUnsafeBufferPointer { n in
            var i = 0
            if fold {
                while i < n.count {
                    if CaseFolding.foldByte(hay[start + i]) != n[i] { return false }
                    i += 1
                }
            } else {
                while i < n.count {
                    if hay[start + i] != n[i] { return false }
                    i += 1
                }
            }
            return true
        }
    }

    /// The first index at or after `from` where `needle` occurs.
    static func find(_ needle: [UInt8], in hay: UnsafeBufferPointer<UInt8>, from: Int, fold: Bool) -> Int? {
        let m = needle.count
        if m == 0 { return from }
        if hay.count - from < m { return nil }
        let first = needle[0]
        var i = from
        let last = hay.count - m
        while i <= last {
            let b = fold ? CaseFolding.foldByte(hay[i]) : hay[i]
            if b == first, equal(hay, i, needle, fold: fold) { return i }
            i += 1
        }
        return nil
    }

    /// Wildcard matching; `?` consumes one UTF-8 encoded character.
    static func globMatch(_ tokens: [GlobToken], _ hay: UnsafeBufferPointer<UInt8>, fold: Bool) -> Bool {
        // Split into star-separated groups; each group is a sequence of literals and `?`.
        var groups: [[GlobToken]] = [[]]
        for t in tokens {
            if case .star = t { groups.append([]) } else { groups[groups.count - 1].append(t) }
        }
        let anchoredStart = tokens.first.map { $0 != .star } ?? true
        let anchoredEnd = tokens.last.map { $0 != .star } ?? true
        var pos = 0
        for (gi, group) in groups.enumerated() {
            if group.isEmpty { continue }
            let isFirst = gi == 0
            let isLast = gi == groups.count - 1
            if isFirst && anchoredStart {
                guard let end = matchGroup(group, hay, at: pos, fold: fold) else { return false }
                pos = end
                if isLast && anchoredEnd { return end == hay.count }
                continue
            }
            if isLast && anchoredEnd {
                // The last group must match at the end: try each start position from the right.
                var start = hay.count
                while start >= pos {
                    if start < hay.count, hay[start] & 0xC0 == 0x80 { start -= 1; continue }
                    if let end = matchGroup(group, hay, at: start, fold: fold), end == hay.count { return true }
                    start -= 1
                }
                return false
            }
            var start = pos
            var found = false
            while start <= hay.count {
                if start < hay.count, hay[start] & 0xC0 == 0x80 { start += 1; continue }
                if let end = matchGroup(group, hay, at: start, fold: fold) {
                    pos = end
                    found = true
                    break
                }
                start += 1
            }
            if !found { return false }
        }
        return anchoredEnd ? pos == hay.count : true
    }

    /// Matches literals and `?` at `at`; returns the end index.
    static func matchGroup(_ group: [GlobToken], _ hay: UnsafeBufferPointer<UInt8>, at: Int, fold: Bool) -> Int? {
        var i = at
        for t in group {
            switch t {
            case .literal(let lit):
                guard hay.count - i >= lit.count, equal(hay, i, lit, fold: fold) else { return nil }
                i += lit.count
            case .question:
                guard i < hay.count else { return nil }
                i += 1
                while i < hay.count, hay[i] & 0xC0 == 0x80 { i += 1 }
            case .star:
                return nil
            }
        }
        return i
    }
}
