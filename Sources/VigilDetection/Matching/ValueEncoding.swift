/// The Sigma encoding modifiers: base64, base64offset, utf16le/utf16be/utf16/wide and windash.
enum ValueEncoding {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// Standard Base64 with padding.
    static func base64(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var i = 0
        while i + 3 <= bytes.count {
            let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
            out.append(alphabet[Int(n >> 18 & 63)]); out.append(alphabet[Int(n >> 12 & 63)])
            out.append(alphabet[Int(n >> 6 & 63)]); out.append(alphabet[Int(n & 63)])
            i += 3
        }
        let rest = bytes.count - i
        if rest == 1 {
            let n = UInt32(bytes[i]) << 16
            out.append(alphabet[Int(n >> 18 & 63)]); out.append(alphabet[Int(n >> 12 & 63)])
            out.append(UInt8(ascii: "=")); out.append(UInt8(ascii: "="))
        } else if rest == 2 {
            let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8
            out.append(alphabet[Int(n >> 18 & 63)]); out.append(alphabet[Int(n >> 12 & 63)])
            out.append(alphabet[Int(n >> 6 & 63)]); out.append(UInt8(ascii: "="))
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The three position-independent Base64 fragments of `bytes` (as pySigma computes them):
    /// the value shifted by 0, 1 and 2 bytes, with the edge characters that depend on neighbours cut off.
    static func base64Offsets(_ bytes: [UInt8]) -> [String] {
        let startOffsets = [0, 2, 3]
        let endOffsets = [0, -3, -2]
        var out: [String] = []
        for i in 0..<3 {
            let shifted = [UInt8](repeating: UInt8(ascii: " "), count: i) + bytes
            let encoded = Array(base64(shifted).utf8)
            let endCut = endOffsets[(bytes.count + i) % 3]
            let end = encoded.count + endCut
            let start = startOffsets[i]
            guard end > start else { continue }
            out.append(String(decoding: encoded[start..<end], as: UTF8.self))
        }
        return out
    }

    static func utf16LE(_ s: String) -> [UInt8] {
        var out: [UInt8] = []
        for u in s.utf16 { out.append(UInt8(u & 0xFF)); out.append(UInt8(u >> 8)) }
        return out
    }

    static func utf16BE(_ s: String) -> [UInt8] {
        var out: [UInt8] = []
        for u in s.utf16 { out.append(UInt8(u >> 8)); out.append(UInt8(u & 0xFF)) }
        return out
    }

    /// UTF-16 little-endian with a byte order mark, as the Sigma `utf16` modifier defines it.
    static func utf16WithBOM(_ s: String) -> [UInt8] { [0xFF, 0xFE] + utf16LE(s) }

    /// Bytes as text, one character per byte (Latin-1), so binary encodings survive as strings.
    static func latin1String(_ bytes: [UInt8]) -> String {
        var v = String.UnicodeScalarView()
        for b in bytes { v.append(Unicode.Scalar(b)) }
        return String(v)
    }

    /// The bytes a string stands for: Latin-1 when every scalar fits a byte (the result of a utf16
    /// modifier), UTF-8 otherwise.
    static func bytes(of s: String) -> [UInt8] {
        if s.unicodeScalars.allSatisfy({ $0.value < 256 }) && s.unicodeScalars.contains(where: { $0.value >= 128 || $0.value == 0 }) {
            return s.unicodeScalars.map { UInt8($0.value) }
        }
        return Array(s.utf8)
    }

    /// The dash characters `windash` swaps: hyphen-minus, slash, en dash, em dash, horizontal bar.
    static let windashCharacters: [Unicode.Scalar] = ["-", "/", "\u{2013}", "\u{2014}", "\u{2015}"]

    /// Every variant of `value` with each command-line flag dash replaced by each windash character.
    /// A flag dash is a dash or slash at the start or after a non-word character, followed by a word character.
    static func windash(_ value: SigmaString, limit: Int = 4096) -> [SigmaString]? {
        var positions: [Int] = []
        let els = value.elements
        func isWord(_ e: SigmaString.Element?) -> Bool {
            guard case .char(let c)? = e else { return false }
            return c.properties.isAlphabetic || c.properties.numericType != nil || c == "_"
        }
        for (i, e) in els.enumerated() {
            guard case .char(let c) = e, windashCharacters.contains(c) else { continue }
            let prev: SigmaString.Element? = i > 0 ? els[i - 1] : nil
            let next: SigmaString.Element? = i + 1 < els.count ? els[i + 1] : nil
            if !isWord(prev), isWord(next) { positions.append(i) }
        }
        if positions.isEmpty { return [value] }
        var total = 1
        for _ in positions {
            total *= windashCharacters.count
            if total > limit { return nil }
        }
        var out: [SigmaString] = []
        out.reserveCapacity(total)
        for combination in 0..<total {
            var copy = els
            var rest = combination
            for p in positions {
                copy[p] = .char(windashCharacters[rest % windashCharacters.count])
                rest /= windashCharacters.count
            }
            out.append(SigmaString(elements: copy))
        }
        return out
    }
}
