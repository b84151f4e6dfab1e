/// The Sigma condition grammar, parsed into a tree that still names selections.
///
/// Precedence, loosest first: `or`, `and`, `not`, `1 of`/`all of`, parentheses.
indirect enum ConditionAST: Sendable, Equatable {
    /// A search identifier, with its offset in the condition text.
    case identifier(String, offset: Int)
    /// `1 of pattern` / `all of pattern`; a nil pattern means `them`.
    case oneOf(String?, offset: Int)
    case allOf(String?, offset: Int)
    case and([ConditionAST])
    case or([ConditionAST])
    case not(ConditionAST)
}

/// A condition syntax error, with the offset (in Unicode scalars) where it was found.
struct ConditionSyntaxError: Error, Equatable {
    var offset: Int
    var code: String
    var message: String
}

struct ConditionParser {
    enum Token: Equatable {
        case word(String)
        case open
        case close
        case pipe
        case end
    }

    private var tokens: [(Token, Int)] = []
    private var position = 0

    static func parse(_ text: String) throws(ConditionSyntaxError) -> ConditionAST {
        var parser = ConditionParser()
        try parser.tokenize(text)
        let ast = try parser.parseOr()
        let (token, offset) = parser.tokens[parser.position]
        if parser.keyword(token) == "near" {
            throw ConditionSyntaxError(offset: offset, code: "unsupported-near",
                                       message: "the 'near' operator (obsolete Sigma 1 syntax) is not supported; write a temporal correlation rule instead")
        }
        if token != .end {
            throw ConditionSyntaxError(offset: offset, code: "condition-syntax",
                                       message: "unexpected \(ConditionParser.describe(token)) in condition")
        }
        return ast
    }

    private mutating func tokenize(_ text: String) throws(ConditionSyntaxError) {
        let scalars = Array(text.unicodeScalars)
        var i = 0
        while i < scalars.count {
            let c = scalars[i]
            if c == " " || c == "\t" || c == "\n" || c == "\r" {
                i += 1
                continue
            }
            if c == "(" { tokens.append((.open, i)); i += 1; continue }
            if c == ")" { tokens.append((.close, i)); i += 1; continue }
            if c == "|" {
                throw ConditionSyntaxError(offset: i, code: "unsupported-aggregation",
                                           message: "aggregation expressions after '|' (the obsolete Sigma 1 syntax) are not supported; write a correlation rule instead")
            }
            if ConditionParser.isWordScalar(c) {
                let start = i
                var word = String.UnicodeScalarView()
                while i < scalars.count, ConditionParser.isWordScalar(scalars[i]) {
                    word.append(scalars[i])
                    i += 1
                }
                tokens.append((.word(String(word)), start))
                continue
            }
            throw ConditionSyntaxError(offset: i, code: "condition-syntax", message: "unexpected character '\(c)' in condition")
        }
        tokens.append((.end, scalars.count))
    }

    static func isWordScalar(_ c: Unicode.Scalar) -> Bool {
        c.properties.isAlphabetic || c.properties.numericType != nil || c == "_" || c == "*" || c == "-" || c == "." || c == "?"
    }

    static func describe(_ token: Token) -> String {
        switch token {
        case .word(let w): return "'\(w)'"
        case .open: return "'('"
        case .close: return "')'"
        case .pipe: return "'|'"
        case .end: return "end of condition"
        }
    }

    private func keyword(_ token: Token) -> String? {
        guard case .word(let w) = token else { return nil }
        let lower = w.lowercased()
        return ["and", "or", "not", "of", "them", "all", "any", "near"].contains(lower) ? lower : nil
    }

    private mutating func parseOr() throws(ConditionSyntaxError) -> ConditionAST {
        var items = [try parseAnd()]
        while keyword(tokens[position].0) == "or" {
            position += 1
            items.append(try parseAnd())
        }
        return items.count == 1 ? items[0] : .or(items)
    }

    private mutating func parseAnd() throws(ConditionSyntaxError) -> ConditionAST {
        var items = [try parseNot()]
        while keyword(tokens[position].0) == "and" {
            position += 1
            items.append(try parseNot())
        }
        return items.count == 1 ? items[0] : .and(items)
    }

    private mutating func parseNot() throws(ConditionSyntaxError) -> ConditionAST {
        if keyword(tokens[position].0) == "not" {
            position += 1
            return .not(try parseNot())
        }
        return try parsePrimary()
    }

    private mutating func parsePrimary() throws(ConditionSyntaxError) -> ConditionAST {
        let (token, offset) = tokens[position]
        switch token {
        case .open:
            position += 1
            let inner = try parseOr()
            guard tokens[position].0 == .close else {
                throw ConditionSyntaxError(offset: tokens[position].1, code: "condition-syntax",
                                           message: "expected ')' but found \(ConditionParser.describe(tokens[position].0))")
            }
            position += 1
            return inner
        case .pipe:
            throw ConditionSyntaxError(offset: offset, code: "unsupported-aggregation",
                                       message: "aggregation expressions after '|' (the obsolete Sigma 1 syntax) are not supported; write a correlation rule instead")
        case .close, .end:
            throw ConditionSyntaxError(offset: offset, code: "condition-syntax",
                                       message: "expected a search identifier but found \(ConditionParser.describe(token))")
        case .word(let word):
            let kw = keyword(token)
            if kw == "near" {
                throw ConditionSyntaxError(offset: offset, code: "unsupported-near",
                                           message: "the 'near' operator (obsolete Sigma 1 syntax) is not supported; write a temporal correlation rule instead")
            }
            let isQuantifier = kw == "all" || kw == "any" || Int(word) != nil
            if isQuantifier, keyword(tokens[position + 1].0) == "of" {
                if let n = Int(word), n != 1 {
                    throw ConditionSyntaxError(offset: offset, code: "unsupported-quantifier",
                                               message: "'\(word) of' is not supported; Sigma defines only '1 of' and 'all of'")
                }
                position += 2
                let (target, targetOffset) = tokens[position]
                guard case .word(let pattern) = target, keyword(target) == nil || keyword(target) == "them" else {
                    throw ConditionSyntaxError(offset: targetOffset, code: "condition-syntax",
                                               message: "expected a search identifier pattern or 'them' after 'of' but found \(ConditionParser.describe(target))")
                }
                position += 1
                let p: String? = keyword(target) == "them" ? nil : pattern
                return kw == "all" ? .allOf(p, offset: offset) : .oneOf(p, offset: offset)
            }
            if let kw, kw != "them" {
                throw ConditionSyntaxError(offset: offset, code: "condition-syntax",
                                           message: "expected a search identifier but found the keyword '\(kw)'")
            }
            if kw == "them" {
                throw ConditionSyntaxError(offset: offset, code: "condition-syntax", message: "'them' must follow '1 of' or 'all of'")
            }
            if word.contains("*") || word.contains("?") {
                throw ConditionSyntaxError(offset: offset, code: "condition-syntax",
                                           message: "the pattern '\(word)' is only allowed after '1 of' or 'all of'")
            }
            position += 1
            return .identifier(word, offset: offset)
        }
    }
}

extension ConditionAST {
    /// Resolves identifiers and patterns against the rule's selection names.
    func resolve(names: [String]) throws(ConditionSyntaxError) -> ConditionExpr {
        func indices(matching pattern: String?, offset: Int) throws(ConditionSyntaxError) -> [Int] {
            var out: [Int] = []
            for (i, name) in names.enumerated() {
                if let pattern {
                    if ConditionAST.wildcardMatch(pattern, name) { out.append(i) }
                } else if !name.hasPrefix("_") {
                    out.append(i)
                }
            }
            if out.isEmpty {
                throw ConditionSyntaxError(offset: offset, code: "unknown-identifier",
                                           message: pattern.map { "the pattern '\($0)' matches no search identifier" } ?? "'them' matches no search identifier")
            }
            return out
        }
        switch self {
        case .identifier(let name, let offset):
            guard let i = names.firstIndex(of: name) else {
                throw ConditionSyntaxError(offset: offset, code: "unknown-identifier",
                                           message: "unknown search identifier '\(name)'; defined: \(names.joined(separator: ", "))")
            }
            return .selection(i)
        case .oneOf(let pattern, let offset):
            let idx = try indices(matching: pattern, offset: offset)
            return idx.count == 1 ? .selection(idx[0]) : .or(idx.map { .selection($0) })
        case .allOf(let pattern, let offset):
            let idx = try indices(matching: pattern, offset: offset)
            return idx.count == 1 ? .selection(idx[0]) : .and(idx.map { .selection($0) })
        case .and(let items):
            var out: [ConditionExpr] = []
            for item in items { out.append(try item.resolve(names: names)) }
            return .and(out)
        case .or(let items):
            var out: [ConditionExpr] = []
            for item in items { out.append(try item.resolve(names: names)) }
            return .or(out)
        case .not(let inner):
            return .not(try inner.resolve(names: names))
        }
    }

    /// Identifiers referenced, for unused-selection warnings.
    func referencedNames(in names: [String]) -> Set<String> {
        switch self {
        case .identifier(let n, _): return [n]
        case .oneOf(let p, _), .allOf(let p, _):
            return Set(names.filter { name in p.map { ConditionAST.wildcardMatch($0, name) } ?? !name.hasPrefix("_") })
        case .and(let items), .or(let items):
            return items.reduce(into: Set<String>()) { $0.formUnion($1.referencedNames(in: names)) }
        case .not(let inner): return inner.referencedNames(in: names)
        }
    }

    /// `*` matches any run of characters in identifier patterns.
    static func wildcardMatch(_ pattern: String, _ name: String) -> Bool {
        let p = SigmaString(elements: pattern.unicodeScalars.map { $0 == "*" ? .anyString : .char($0) })
        return StringPattern(p, caseSensitive: true).matches(name)
    }
}
