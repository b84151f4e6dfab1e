import Yams

/// A YAML node with its source location; the rule compilers work on this, never on raw Yams types.
struct YAMLNode: Sendable {
    enum Content: Sendable {
        case scalar(YAMLScalar)
        case mapping([YAMLPair])
        case sequence([YAMLNode])
    }

    var content: Content
    var location: SourceLocation

    /// The scalar, when this node is one.
    var scalar: YAMLScalar? {
        if case .scalar(let s) = content { return s }
        return nil
    }

    /// Key/value pairs in file order, when this node is a mapping.
    var pairs: [YAMLPair]? {
        if case .mapping(let p) = content { return p }
        return nil
    }

    var items: [YAMLNode]? {
        if case .sequence(let s) = content { return s }
        return nil
    }

    /// The value under the scalar key `key`, when this is a mapping.
    subscript(key: String) -> YAMLNode? {
        guard let pairs else { return nil }
        for pair in pairs where pair.key.scalar?.text == key { return pair.value }
        return nil
    }

    /// The pair whose key is `key`, for locating the key itself.
    func pair(_ key: String) -> YAMLPair? {
        pairs?.first { $0.key.scalar?.text == key }
    }

    var kindName: String {
        switch content {
        case .scalar(let s): return s.isNull ? "null" : "a scalar"
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        }
    }

    /// A plain or quoted string; nil for null, mappings and lists.
    var string: String? {
        guard let s = scalar, !s.isNull else { return nil }
        return s.text
    }

    /// The node as a list of strings: a single scalar counts as a one-item list.
    func stringList() -> [String]? {
        if let s = string { return [s] }
        guard let items else { return nil }
        var out: [String] = []
        for item in items {
            guard let s = item.string else { return nil }
            out.append(s)
        }
        return out
    }

    /// A short rendering of this node for messages and fingerprints.
    var canonicalText: String {
        var out = ""
        appendCanonical(to: &out)
        return out
    }

    func appendCanonical(to out: inout String) {
        switch content {
        case .scalar(let s):
            out += s.quoted ? "'" : "`"
            out += s.text
            out += s.quoted ? "'" : "`"
        case .mapping(let pairs):
            out += "{"
            for (i, p) in pairs.enumerated() {
                if i > 0 { out += "," }
                p.key.appendCanonical(to: &out)
                out += ":"
                p.value.appendCanonical(to: &out)
            }
            out += "}"
        case .sequence(let items):
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += "," }
                item.appendCanonical(to: &out)
            }
            out += "]"
        }
    }
}

struct YAMLPair: Sendable {
    var key: YAMLNode
    var value: YAMLNode
}

/// A scalar's text and whether it was quoted; plain scalars may be null, booleans or numbers.
struct YAMLScalar: Sendable {
    var text: String
    /// Single-, double-quoted or block scalars are always strings.
    var quoted: Bool

    /// YAML 1.2 core schema typing of plain scalars.
    enum Typed: Sendable, Equatable {
        case null
        case bool(Bool)
        case int(Int64)
        case double(Double)
        case string(String)
    }

    var typed: Typed {
        if quoted { return .string(text) }
        switch text {
        case "", "~", "null", "Null", "NULL": return .null
        case "true", "True", "TRUE": return .bool(true)
        case "false", "False", "FALSE": return .bool(false)
        default: break
        }
        if let i = YAMLScalar.parseInt(text) { return .int(i) }
        if let d = YAMLScalar.parseDouble(text) { return .double(d) }
        return .string(text)
    }

    var isNull: Bool { typed == .null }

    static func parseInt(_ text: String) -> Int64? {
        var s = Substring(text)
        var negative = false
        if s.first == "-" || s.first == "+" {
            negative = s.first == "-"
            s = s.dropFirst()
        }
        guard !s.isEmpty else { return nil }
        var value: Int64?
        if s.hasPrefix("0x") {
            value = Int64(s.dropFirst(2), radix: 16)
        } else if s.hasPrefix("0o") {
            value = Int64(s.dropFirst(2), radix: 8)
        } else if s.allSatisfy({ $0.isASCII && $0.isNumber }) {
            value = Int64(s)
        }
        guard let v = value else { return nil }
        return negative ? -v : v
    }

    static func parseDouble(_ text: String) -> Double? {
        guard let first = text.first, first.isNumber || first == "-" || first == "+" || first == "." else {
            switch text {
            case ".inf", ".Inf", ".INF": return .infinity
            case ".nan", ".NaN", ".NAN": return .nan
            default: return nil
            }
        }
        guard text.allSatisfy({ $0.isASCII && ($0.isNumber || "+-.eE".contains($0)) }) else { return nil }
        return Double(text)
    }
}

/// Parses YAML text into located nodes, one per document.
enum YAMLReader {
    /// All documents of `text`; a YAML syntax error becomes a diagnostic at its place.
    static func documents(_ text: String, path: String) throws(CompileError) -> [YAMLNode] {
        var out: [YAMLNode] = []
        do {
            // The basic resolver (no regex typing: we type plain scalars ourselves) and an explicit encoding keep
            // Yams off NSRegularExpression and the process environment; both dominated load time.
            var sequence = try Yams.compose_all(yaml: text, .basic, .default, .utf8)
            while let node = sequence.next() {
                out.append(convert(node, path: path))
            }
            if let error = sequence.error { throw error }
        } catch let error as YamlError {
            throw translate(error, path: path)
        } catch {
            throw CompileError(SourceLocation(path: path, line: 1, column: 1), "yaml-syntax", "\(error)")
        }
        return out
    }

    static func convert(_ node: Node, path: String) -> YAMLNode {
        let mark = node.mark
        let location = SourceLocation(path: path, line: mark?.line ?? 0, column: mark?.column ?? 0)
        switch node {
        case .scalar(let s):
            let quoted = s.style != .plain && s.style != .any
            return YAMLNode(content: .scalar(YAMLScalar(text: s.string, quoted: quoted)), location: location)
        case .mapping(let m):
            var pairs: [YAMLPair] = []
            pairs.reserveCapacity(m.count)
            for (k, v) in m {
                pairs.append(YAMLPair(key: convert(k, path: path), value: convert(v, path: path)))
            }
            return YAMLNode(content: .mapping(pairs), location: location)
        case .sequence(let seq):
            return YAMLNode(content: .sequence(seq.map { convert($0, path: path) }), location: location)
        case .alias(let alias):
            // Yams resolves aliases while composing; keep the anchor text as a string if one slips through.
            return YAMLNode(content: .scalar(YAMLScalar(text: "*\(alias.anchor)", quoted: true)), location: location)
        }
    }

    static func translate(_ error: YamlError, path: String) -> CompileError {
        func at(_ mark: Mark) -> SourceLocation { SourceLocation(path: path, line: mark.line, column: mark.column) }
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            let ctx = context.map { " (\($0.text))" } ?? ""
            return CompileError(at(mark), "yaml-syntax", "YAML syntax error: \(problem)\(ctx)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            return CompileError(at(context.mark), "yaml-duplicate-key",
                                "duplicate key in mapping: \(duplicates.joined(separator: ", "))")
        case .reader(let problem, let offset, _, _):
            return CompileError(SourceLocation(path: path, line: 1, column: 1), "yaml-encoding",
                                "cannot read YAML: \(problem)\(offset.map { " at byte \($0)" } ?? "")")
        default:
            return CompileError(SourceLocation(path: path, line: 1, column: 1), "yaml-syntax", "YAML error: \(error)")
        }
    }
}
