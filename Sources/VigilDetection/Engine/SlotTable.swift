import CVigilHints

/// Key hashes to group slots: open addressing with linear probing, one 8-byte bucket per key (a 32-bit hash tag
/// and the slot), so a lookup reads one bucket line and then only the records whose tag matches.
///
/// Keys live with their records, not here: `find` asks the caller whether a slot holds the key.
struct SlotTable: Sendable {
    /// High 32 bits: the hash; low 32: slot + 1. 0 is empty.
    private var buckets: [UInt64]
    private var mask: Int
    private(set) var count = 0

    init(capacity: Int = 16) {
        var n = 16
        while n < capacity * 2 { n *= 2 }
        buckets = [UInt64](repeating: 0, count: n)
        mask = n - 1
    }

    /// The first slot with hash `h` that `isMatch` accepts.
    @inline(__always)
    func find(_ h: UInt32, where isMatch: (Int32) -> Bool) -> Int32? {
        buckets.withUnsafeBufferPointer { b in
            var i = Int(h) & mask
            while true {
                let bucket = b[i]
                if bucket == 0 { return nil }
                if UInt32(truncatingIfNeeded: bucket >> 32) == h {
                    let slot = Int32(truncatingIfNeeded: bucket) &- 1
                    if isMatch(slot) { return slot }
                }
                i = (i &+ 1) & mask
            }
        }
    }

    /// Starts loading the bucket where a lookup of `h` begins.
    @inline(__always)
    func prefetch(_ h: UInt32) {
        buckets.withUnsafeBufferPointer { vigil_prefetch($0.baseAddress! + (Int(h) & mask)) }
    }

    /// The first slot filed under hash `h`, without comparing keys (for prefetching: may be another key's).
    @inline(__always)
    func firstSlot(_ h: UInt32) -> Int32? {
        buckets.withUnsafeBufferPointer { b in
            var i = Int(h) & mask
            while true {
                let bucket = b[i]
                if bucket == 0 { return nil }
                if UInt32(truncatingIfNeeded: bucket >> 32) == h { return Int32(truncatingIfNeeded: bucket) &- 1 }
                i = (i &+ 1) & mask
            }
        }
    }

    /// Adds `slot` under hash `h`; the caller has checked the key is absent. Keeps the load at most one half.
    mutating func insert(_ h: UInt32, slot: Int32) {
        if (count + 1) * 2 > buckets.count { resize(to: buckets.count * 2) }
        place(UInt64(h) << 32 | UInt64(UInt32(slot + 1)))
        count += 1
    }

    /// Removes `slot`, filed under hash `h`, shifting later entries of its probe run back (no tombstones).
    mutating func remove(_ h: UInt32, slot: Int32) {
        let wanted = UInt64(UInt32(slot + 1))
        var i = Int(h) & mask
        while buckets[i] & 0xFFFF_FFFF != wanted {
            precondition(buckets[i] != 0, "SlotTable.remove: slot \(slot) is not filed under its hash")
            i = (i + 1) & mask
        }
        var j = i
        while true {
            j = (j + 1) & mask
            let bucket = buckets[j]
            if bucket == 0 { break }
            let home = Int(UInt32(truncatingIfNeeded: bucket >> 32)) & mask
            // The entry at j may fill the hole at i unless its home lies cyclically in (i, j].
            let homeBetween = i <= j ? (home > i && home <= j) : (home > i || home <= j)
            if !homeBetween {
                buckets[i] = bucket
                i = j
            }
        }
        buckets[i] = 0
        count -= 1
    }

    private mutating func place(_ bucket: UInt64) {
        var i = Int(UInt32(truncatingIfNeeded: bucket >> 32)) & mask
        while buckets[i] != 0 { i = (i + 1) & mask }
        buckets[i] = bucket
    }

    private mutating func resize(to n: Int) {
        let old = buckets
        buckets = [UInt64](repeating: 0, count: n)
        mask = n - 1
        for bucket in old where bucket != 0 { place(bucket) }
    }
}
