/// The group table's hash of a key: a keyed folded-multiply hash over the UTF-8 bytes (~30 instructions for a
/// short key, where `Hasher` costs ~250).
///
/// Keys come from event content, so the hash is keyed with random values per table: without the keys an
/// attacker cannot aim crafted group values at one probe run.
struct GroupHash: Sendable {
    private let k0: UInt64
    private let k1: UInt64

    init(k0: UInt64 = .random(in: .min ... .max), k1: UInt64 = .random(in: .min ... .max)) {
        // Mixed with fixed odd constants, so a weak key (0, 1, …) still multiplies by a large odd number.
        self.k0 = k0 ^ 0x243F_6A88_85A3_08D3
        self.k1 = (k1 ^ 0x1319_8A2E_0370_7344) | 1
    }

    @inline(__always)
    private static func fold(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let r = a.multipliedFullWidth(by: b)
        return r.high ^ r.low
    }

    @inline(__always)
    func callAsFunction(_ key: String) -> UInt32 {
        CaseFolding.withUTF8(key) { bytes in
            var h = k0 ^ UInt64(bytes.count)
            var i = 0
            let n = bytes.count
            while i + 8 <= n {
                h = GroupHash.fold(h ^ UInt64(littleEndian: UnsafeRawPointer(bytes.baseAddress! + i).loadUnaligned(as: UInt64.self)), k1)
                i += 8
            }
            if i < n {
                var tail: UInt64 = 0
                var shift: UInt64 = 0
                while i < n {
                    tail |= UInt64(bytes[i]) << shift
                    shift += 8
                    i += 1
                }
                h = GroupHash.fold(h ^ tail, k1)
            }
            h = GroupHash.fold(h, k0 ^ 0x9E37_79B9_7F4A_7C15)
            // A fixed finalizer (MurmurHash3's fmix64): every input bit reaches the low bits that pick a bucket.
            h ^= h >> 33
            h &*= 0xFF51_AFD7_ED55_8CCD
            h ^= h >> 33
            h &*= 0xC4CE_B9FE_1A85_EC53
            h ^= h >> 33
            return UInt32(truncatingIfNeeded: h)
        }
    }
}
