/// Random but valid JSON objects as text, with nasty strings, numbers and whitespace, from a seeded generator.
struct JSONDocumentGenerator {
    var rng: SeededGenerator

    init(seed: UInt64) { rng = SeededGenerator(seed: seed) }

    /// Keys without dots (dotted keys would collide with nested paths) and never `message` (it becomes the message).
    static let keyPool: [String] = [
        "a", "b", "user", "name", "id", "src", "@timestamp", "time", "k\u{E9}y", "\u{65E5}\u{672C}", "emoji\u{1F600}", "",
        "with space", "q\"uote", "back\\slash", "tab\tkey", "ctl\u{1}", "x-y_z", "0", "null", "true",
    ]

    mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &rng) }
    mutating func int(_ range: Range<Int>) -> Int { Int.random(in: range, using: &rng) }
    mutating func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &rng) < p }

    mutating func whitespace() -> String {
        guard chance(0.3) else { return "" }
        return String((0..<int(1...3)).map { _ in [" ", "\t", "\n", "\r"][int(0...3)] }.joined())
    }

    /// A JSON string literal for `text`, escaping characters in random (valid) ways.
    mutating func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += chance(0.5) ? "\\n" : "\\u000a"
            case "\r": out += "\\r"
            case "\t": out += chance(0.5) ? "\\t" : "\\u0009"
            case "\u{8}": out += "\\b"
            case "\u{C}": out += "\\f"
            case "/": out += chance(0.5) ? "\\/" : "/"
            default:
                if scalar.value < 0x20 || chance(0.1) {
                    out += escapeU(scalar)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    mutating func escapeU(_ scalar: Unicode.Scalar) -> String {
        func hex(_ v: UInt32) -> String {
            let digits = Array("0123456789abcdef")
            let upper = chance(0.5)
            return String((0..<4).reversed().map { i -> Character in
                let c = digits[Int((v >> (UInt32(i) * 4)) & 0xF)]
                return upper ? Character(c.uppercased()) : c
            })
        }
        if scalar.value >= 0x10000 {
            let v = scalar.value - 0x10000
            return "\\u" + hex(0xD800 + (v >> 10)) + "\\u" + hex(0xDC00 + (v & 0x3FF))
        }
        return "\\u" + hex(scalar.value)
    }

    mutating func string() -> String {
        let pieces: [String] = ["plain", " ", "caf\u{E9}", "\u{20AC}", "\u{1F600}", "\u{10FFFF}", "\u{FFFD}", "\u{7FF}", "\u{800}",
                                "\"", "\\", "/", "\n", "\t", "\u{0}", "\u{1F}", "\u{7F}", "\u{D7FF}", "\u{E000}", "x=y", "a.b"]
        return String((0..<int(0...6)).map { _ in pieces[int(0..<pieces.count)] }.joined())
    }

    mutating func number() -> String {
        switch int(0...11) {
        case 0: return String(int(-10...10))
        case 1: return String(Int64.random(in: Int64.min...Int64.max, using: &rng))
        case 2: return ["0", "-0", "9223372036854775807", "-9223372036854775808", "9223372036854775808", "18446744073709551616",
                        "123456789012345678901234567890"][int(0...6)]
        case 3: return "\(int(-999...999)).\(int(0...99999))"
        case 4: return "\(int(1...9))e\(int(-30...30))"
        case 5: return "\(int(-9...9)).\(int(0...999))E\(["+", "-", ""][int(0...2)])\(int(0...300))"
        case 6: return ["0.1", "0.2", "0.30000000000000004", "1.7976931348623157e308", "5e-324", "2.2250738585072014e-308",
                        "1e-400", "-0.0", "1.0", "100e-2"][int(0...9)]
        case 7: return String(Double.random(in: -1e6...1e6, using: &rng))
        case 8: return "0.\(String(repeating: "0", count: int(0...20)))\(int(1...999999))"
        case 9: return "\(int(1...9))\(String(repeating: "9", count: int(15...25)))"
        case 10: return "\(int(1...9)).\(String(repeating: "3", count: int(15...30)))e\(int(-10...10))"
        default: return String(int(0...1_000_000_000))
        }
    }

    mutating func value(depth: Int) -> String {
        let kind = depth >= 5 ? int(0...4) : int(0...7)
        switch kind {
        case 0: return quoted(string())
        case 1: return number()
        case 2: return ["true", "false", "null"][int(0...2)]
        case 3: return quoted(string())
        case 4: return number()
        case 5, 6: return object(depth: depth + 1)
        default: return array(depth: depth + 1)
        }
    }

    mutating func object(depth: Int) -> String {
        var keys = Self.keyPool
        var members: [String] = []
        for _ in 0..<int(0...6) where !keys.isEmpty {
            let key = keys.remove(at: int(0..<keys.count))
            members.append(whitespace() + quoted(key) + whitespace() + ":" + whitespace() + value(depth: depth) + whitespace())
        }
        return "{" + whitespace() + members.joined(separator: ",") + "}"
    }

    mutating func array(depth: Int) -> String {
        var items: [String] = []
        let objects = chance(0.4)
        for _ in 0..<int(0...5) {
            items.append(whitespace() + (objects ? object(depth: depth + 1) : value(depth: depth)) + whitespace())
        }
        return "[" + whitespace() + items.joined(separator: ",") + "]"
    }

    mutating func document() -> [UInt8] { Array((whitespace() + object(depth: 0) + whitespace()).utf8) }

    /// Small random edits: replaced, inserted or deleted bytes, truncation, invalid UTF-8.
    mutating func mutate(_ doc: [UInt8]) -> [UInt8] {
        var out = doc
        let interesting: [[UInt8]] = [[UInt8(ascii: ",")], [UInt8(ascii: "}")], [UInt8(ascii: "]")], [UInt8(ascii: "{")], [UInt8(ascii: "[")],
                                      [UInt8(ascii: "\"")], [UInt8(ascii: "\\")], [UInt8(ascii: ":")], [UInt8(ascii: "0")], [UInt8(ascii: "-")],
                                      [UInt8(ascii: "e")], [UInt8(ascii: ".")], [0x01], [0x0A], Array("\\u".utf8), Array("\\uD800".utf8),
                                      Array("\\uDC00".utf8), [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0x80], [0xE2, 0x82],
                                      Array("tru".utf8), Array("nul".utf8), Array("NaN".utf8), [0x7F]]
        for _ in 0..<int(1...3) {
            guard !out.isEmpty else { break }
            let at = int(0..<out.count)
            switch int(0...4) {
            case 0: out.replaceSubrange(at...at, with: interesting[int(0..<interesting.count)])
            case 1: out.insert(contentsOf: interesting[int(0..<interesting.count)], at: at)
            case 2: out.remove(at: at)
            case 3: out = Array(out[..<at])
            default: out[at] = UInt8.random(in: 0...255, using: &rng)
            }
        }
        return out
    }
}
