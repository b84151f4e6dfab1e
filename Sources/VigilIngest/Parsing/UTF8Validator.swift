/// Strict UTF-8 validation (no overlongs, no surrogates, nothing above U+10FFFF) with an ASCII fast path.
enum UTF8Validator {
    /// The offset of the first byte of the first invalid sequence in `b[from..<to]`, or nil when all valid.
    @inline(__always)
    static func firstInvalid(_ b: UnsafeBufferPointer<UInt8>, from: Int = 0, to: Int? = nil) -> Int? {
        let end = to ?? b.count
        guard let base = b.baseAddress else { return nil }
        var i = from
        while i < end {
            // Eight ASCII bytes at a time.
            while i &+ 8 <= end {
                let word = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
                if word & 0x8080_8080_8080_8080 != 0 { break }
                i &+= 8
            }
            guard i < end else { return nil }
            if base[i] < 0x80 {
                i &+= 1
                continue
            }
            let length = sequenceLength(base, i, end)
            if length == 0 { return i }
            i &+= length
        }
        return nil
    }

    /// The length of the valid multi-byte sequence starting at `i`, or 0 when it is invalid.
    @inline(__always)
    static func sequenceLength(_ p: UnsafePointer<UInt8>, _ i: Int, _ end: Int) -> Int {
        let c0 = p[i]
        @inline(__always) func cont(_ k: Int) -> Bool { i &+ k < end && p[i &+ k] & 0xC0 == 0x80 }
        switch c0 {
        case 0xC2...0xDF:
            return cont(1) ? 2 : 0
        case 0xE0:
            return cont(1) && p[i &+ 1] >= 0xA0 && cont(2) ? 3 : 0
        case 0xED:
            return cont(1) && p[i &+ 1] <= 0x9F && cont(2) ? 3 : 0
        case 0xE1...0xEC, 0xEE, 0xEF:
            return cont(1) && cont(2) ? 3 : 0
        case 0xF0:
            return cont(1) && p[i &+ 1] >= 0x90 && cont(2) && cont(3) ? 4 : 0
        case 0xF1...0xF3:
            return cont(1) && cont(2) && cont(3) ? 4 : 0
        case 0xF4:
            return cont(1) && p[i &+ 1] <= 0x8F && cont(2) && cont(3) ? 4 : 0
        default:
            return 0
        }
    }
}
