import Foundation

/// Splits a SQL script into single statements, as the extended query protocol runs one statement at a time.
///
/// Semicolons inside quotes (`'…'`, `E'…'`, `"…"`), dollar quotes (`$$…$$`, `$tag$…$tag$`) and comments
/// (`-- …`, nested `/* … */`) do not split. Statements that are only comments or blank are dropped.
public enum SQLScript {
    public static func statements(_ script: String) -> [String] {
        let s = Array(script.utf8)
        var statements: [String] = []
        var start = 0
        var i = 0
        var hasCode = false
        func isIdentStart(_ b: UInt8) -> Bool { (b >= 65 && b <= 90) || (b >= 97 && b <= 122) || b == 95 || b >= 128 }
        func isIdent(_ b: UInt8) -> Bool { isIdentStart(b) || (b >= 48 && b <= 57) }
        func flush(_ end: Int) {
            if hasCode {
                let text = String(decoding: s[start..<end], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
                if !text.isEmpty { statements.append(text) }
            }
            hasCode = false
        }
        while i < s.count {
            let b = s[i]
            switch b {
            case UInt8(ascii: "-") where i + 1 < s.count && s[i + 1] == UInt8(ascii: "-"):
                while i < s.count && s[i] != UInt8(ascii: "\n") { i += 1 }
                continue
            case UInt8(ascii: "/") where i + 1 < s.count && s[i + 1] == UInt8(ascii: "*"):
                var depth = 1
                i += 2
                while i < s.count && depth > 0 {
                    if s[i] == UInt8(ascii: "/") && i + 1 < s.count && s[i + 1] == UInt8(ascii: "*") { depth += 1; i += 2; continue }
                    if s[i] == UInt8(ascii: "*") && i + 1 < s.count && s[i + 1] == UInt8(ascii: "/") { depth -= 1; i += 2; continue }
                    i += 1
                }
                continue
            case UInt8(ascii: "'"):
                let escapes = i > 0 && (s[i - 1] == UInt8(ascii: "E") || s[i - 1] == UInt8(ascii: "e")) && (i < 2 || !isIdent(s[i - 2]))
                hasCode = true
                i += 1
                while i < s.count {
                    if escapes && s[i] == UInt8(ascii: "\\") { i += 2; continue }
                    if s[i] == UInt8(ascii: "'") {
                        if i + 1 < s.count && s[i + 1] == UInt8(ascii: "'") { i += 2; continue }
                        break
                    }
                    i += 1
                }
                i += 1
                continue
            case UInt8(ascii: "\""):
                hasCode = true
                i += 1
                while i < s.count {
                    if s[i] == UInt8(ascii: "\"") {
                        if i + 1 < s.count && s[i + 1] == UInt8(ascii: "\"") { i += 2; continue }
                        break
                    }
                    i += 1
                }
                i += 1
                continue
            case UInt8(ascii: "$") where i == 0 || !isIdent(s[i - 1]):
                // $tag$ or $$; $1 (a parameter) is not a quote.
                var j = i + 1
                if j < s.count && isIdentStart(s[j]) { while j < s.count && isIdent(s[j]) { j += 1 } }
                if j < s.count && s[j] == UInt8(ascii: "$") {
                    let tag = Array(s[i...j])
                    hasCode = true
                    var k = j + 1
                    while k + tag.count <= s.count && Array(s[k..<(k + tag.count)]) != tag { k += 1 }
                    i = min(s.count, k + tag.count)
                    continue
                }
                hasCode = true
                i += 1
                continue
            case UInt8(ascii: ";"):
                flush(i)
                start = i + 1
                i += 1
                continue
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                i += 1
                continue
            default:
                hasCode = true
                i += 1
            }
        }
        flush(s.count)
        return statements
    }
}
