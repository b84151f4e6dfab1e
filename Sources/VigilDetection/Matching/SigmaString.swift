/// A Sigma string value: literal characters and the wildcards `*` and `?`, after escape processing.
struct SigmaString: Hashable, Sendable, CustomStringConvertible {
    enum Element: Hashable, Sendable {
        case char(Unicode.Scalar)
        /// `*`: any run of characters, possibly empty.
        case anyString
        /// `?`: exactly one character.
        case anyChar
    }

    var elements: [Element]

    init(elements: [Element]) { self.elements = elements }

    /// A literal string with no wildcards.
    init(literal: String) { elements = literal.unicodeScalars.map { .char($0) } }

    /// Parses Sigma escapes: `\*`, `\?` and `\\` are literal; any other backslash stays a backslash.
    init(parsing raw: String) {
        var out: [Element] = []
        let scalars = Array(raw.unicodeScalars)
        var i = 0
        while i < scalars.count {
            let c = scalars[i]
            if c == "\\", i + 1 < scalars.count {
                let next = scalars[i + 1]
                if next == "*" || next == "?" || next == "\\" {
                    out.append(.char(next))
                    i += 2
                    continue
                }
                out.append(.char(c))
                i += 1
                continue
            }
            switch c {
            case "*": out.append(.anyString)
            case "?": out.append(.anyChar)
            default: out.append(.char(c))
            }
            i += 1
        }
        elements = out
    }

    var hasWildcards: Bool { elements.contains { $0 == .anyString || $0 == .anyChar } }

    /// The text when there are no wildcards.
    var plain: String? {
        var s = String.UnicodeScalarView()
        for e in elements {
            guard case .char(let c) = e else { return nil }
            s.append(c)
        }
        return String(s)
    }

    /// The literal characters with wildcards dropped; used for messages and index keys.
    var literalText: String {
        var s = String.UnicodeScalarView()
        for case .char(let c) in elements { s.append(c) }
        return String(s)
    }

    /// The longest run of literal characters; the index uses it as a necessary substring.
    var longestLiteralRun: String {
        var best = String.UnicodeScalarView()
        var current = String.UnicodeScalarView()
        for e in elements {
            if case .char(let c) = e {
                current.append(c)
            } else {
                if current.count > best.count { best = current }
                current = String.UnicodeScalarView()
            }
        }
        if current.count > best.count { best = current }
        return String(best)
    }

    /// Re-escaped Sigma text, for messages.
    var description: String {
        var s = ""
        for e in elements {
            switch e {
            case .char(let c):
                if c == "*" || c == "?" || c == "\\" { s += "\\" }
                s.unicodeScalars.append(c)
            case .anyString: s += "*"
            case .anyChar: s += "?"
            }
        }
        return s
    }

    mutating func wrapForContains() {
        if elements.first != .anyString { elements.insert(.anyString, at: 0) }
        if elements.last != .anyString { elements.append(.anyString) }
    }

    mutating func makePrefixPattern() {
        if elements.last != .anyString { elements.append(.anyString) }
    }

    mutating func makeSuffixPattern() {
        if elements.first != .anyString { elements.insert(.anyString, at: 0) }
    }
}
