/// Decodes the content of a validated JSON string (escapes included) into a Swift String.
enum JSONStringDecoder {
    @inline(__always)
    static func decode(_ b: UnsafeBufferPointer<UInt8>, _ token: JSONToken) -> String {
        let s = Int(token.start)
        let e = Int(token.end)
        if !token.flag { return ByteText.string(b, s, e) }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: e &- s) { out in
            let count = unescape(b, s, e, into: out)
            return String(decoding: UnsafeBufferPointer(rebasing: out[0..<count]), as: UTF8.self)
        }
    }

    /// Writes the unescaped bytes of `b[s..<e]` into `out` (never longer than the input) and returns their count.
    static func unescape(_ b: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int, into out: UnsafeMutableBufferPointer<UInt8>) -> Int {
        var i = s
        var o = 0
        while i < e {
            let c = b[i]
            if c != UInt8(ascii: "\\") {
                out[o] = c
                o &+= 1
                i &+= 1
                continue
            }
            let x = b[i &+ 1]
            i &+= 2
            switch x {
            case UInt8(ascii: "b"): out[o] = 0x08
            case UInt8(ascii: "f"): out[o] = 0x0C
            case UInt8(ascii: "n"): out[o] = 0x0A
            case UInt8(ascii: "r"): out[o] = 0x0D
            case UInt8(ascii: "t"): out[o] = 0x09
            case UInt8(ascii: "u"):
                var scalar = JSONTokenizer.hex4(b, i) ?? 0xFFFD
                i &+= 4
                if scalar >= 0xD800, scalar <= 0xDBFF, let low = JSONTokenizer.hex4(b, i &+ 2) {
                    scalar = 0x10000 &+ ((scalar &- 0xD800) << 10) &+ (low &- 0xDC00)
                    i &+= 6
                }
                o = encode(scalar, into: out, at: o)
                continue
            default: out[o] = x  // \" \\ \/
            }
            o &+= 1
        }
        return o
    }

    @inline(__always)
    private static func encode(_ v: UInt32, into out: UnsafeMutableBufferPointer<UInt8>, at o: Int) -> Int {
        switch v {
        case 0..<0x80:
            out[o] = UInt8(v)
            return o &+ 1
        case 0x80..<0x800:
            out[o] = UInt8(0xC0 | (v >> 6))
            out[o &+ 1] = UInt8(0x80 | (v & 0x3F))
            return o &+ 2
        case 0x800..<0x10000:
            out[o] = UInt8(0xE0 | (v >> 12))
            out[o &+ 1] = UInt8(0x80 | ((v >> 6) & 0x3F))
            out[o &+ 2] = UInt8(0x80 | (v & 0x3F))
            return o &+ 3
        default:
            out[o] = UInt8(0xF0 | (v >> 18))
            out[o &+ 1] = UInt8(0x80 | ((v >> 12) & 0x3F))
            out[o &+ 2] = UInt8(0x80 | ((v >> 6) & 0x3F))
            out[o &+ 3] = UInt8(0x80 | (v & 0x3F))
            return o &+ 4
        }
    }
}
