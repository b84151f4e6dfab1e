/// A hit summary template: text with `{placeholders}` such as `{user.name}`, `{source.ip}` or `{count}`.
/// `{{` and `}}` are literal braces.
struct SummaryTemplate: Sendable, Hashable {
    enum Part: Sendable, Hashable {
        case text(String)
        case placeholder(String)
    }

    let parts: [Part]

    static func parse(_ text: String, at location: SourceLocation) throws(CompileError) -> SummaryTemplate {
        var parts: [Part] = []
        var literal = ""
        let chars = Array(text)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c == "{" {
                if i + 1 < chars.count, chars[i + 1] == "{" {
                    literal.append("{")
                    i += 2
                    continue
                }
                guard let close = chars[(i + 1)...].firstIndex(of: "}") else {
                    throw CompileError(location, "invalid-summary", "unclosed '{' in summary template")
                }
                let name = String(chars[(i + 1)..<close]).trimmingCharacters(in: " ")
                guard !name.isEmpty, !name.contains("{") else {
                    throw CompileError(location, "invalid-summary", "empty or nested placeholder in summary template")
                }
                if !literal.isEmpty { parts.append(.text(literal)); literal = "" }
                parts.append(.placeholder(name))
                i = close + 1
                continue
            }
            if c == "}" {
                if i + 1 < chars.count, chars[i + 1] == "}" {
                    literal.append("}")
                    i += 2
                    continue
                }
                throw CompileError(location, "invalid-summary", "unmatched '}' in summary template (write '}}' for a brace)")
            }
            literal.append(c)
            i += 1
        }
        if !literal.isEmpty { parts.append(.text(literal)) }
        return SummaryTemplate(parts: parts)
    }

    /// Parses, or keeps the text as it is when it is no valid template.
    static func lenient(_ text: String) -> SummaryTemplate {
        (try? parse(text, at: SourceLocation(path: "", line: 0, column: 0))) ?? SummaryTemplate(parts: [.text(text)])
    }

    /// Fills placeholders; unknown ones read "(unknown)".
    func render(_ lookup: (String) -> String?) -> String {
        var out = ""
        for part in parts {
            switch part {
            case .text(let t): out += t
            case .placeholder(let name): out += lookup(name) ?? "(unknown)"
            }
        }
        return out
    }
}
