/// FNV-1a hashing for rule fingerprints and deterministic hit ids (stable across runs and machines).
struct Fingerprint {
    private(set) var a: UInt64 = 0xcbf2_9ce4_8422_2325
    private(set) var b: UInt64 = 0x6c62_272e_07bb_0142

    mutating func add(_ text: String) {
        for byte in text.utf8 { addByte(byte) }
        addByte(0xFF)
    }

    mutating func add(_ value: Int64) {
        var v = UInt64(bitPattern: value)
        for _ in 0..<8 {
            addByte(UInt8(v & 0xFF))
            v >>= 8
        }
    }

    @inline(__always)
    mutating func addByte(_ byte: UInt8) {
        a = (a ^ UInt64(byte)) &* 0x100_0000_01b3
        b = (b ^ UInt64(byte)) &* 0x100_0000_01b3 &+ 0x9e37_79b9
    }

    /// 16 hex digits.
    var hex: String {
        let s = String(a, radix: 16)
        return String(repeating: "0", count: 16 - s.count) + s
    }

    /// 128 bits as a version-8 UUID string (RFC 9562 custom layout).
    var uuidBytes: (UInt64, UInt64) {
        var hi = a
        var lo = b ^ (a >> 29)
        hi = (hi & 0xFFFF_FFFF_FFFF_0FFF) | 0x0000_0000_0000_8000
        lo = (lo & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000
        return (hi, lo)
    }

    static func of(_ parts: String...) -> String {
        var f = Fingerprint()
        for p in parts { f.add(p) }
        return f.hex
    }
}
