/// The candidate index's table for one field: a folded literal value → the rules filed under it.
///
/// Built once, then only read: open addressing over an FNV-1a hash of the folded UTF-8 bytes, computed while
/// folding, so a lookup neither allocates a lowercased string nor runs `Hasher` (a `Dictionary` lookup with
/// `CaseFolding.fold` cost ~650 instructions per field and event). Event content can only query the table,
/// never insert, so probe chains are bounded by the rule set.
final class ValueTable: Sendable {
    /// Per bucket: 0 = empty, else entry index + 1.
    private let buckets: [Int32]
    private let hashes: [UInt64]
    /// Entry `k`'s key is `keyBytes[keyStart[k]..<keyStart[k + 1]]`, its rules `rules[ruleStart[k]..<ruleStart[k + 1]]`
    /// (flat arrays: a lookup copies no nested array).
    private let keyBytes: [UInt8]
    private let keyStart: [Int]
    private let rules: [Int32]
    private let ruleStart: [Int]
    private let mask: Int

    /// `entries` keys must be folded (`CaseFolding.fold`).
    init(_ entries: [String: [Int32]]) {
        var capacity = 8
        while capacity < entries.count * 2 { capacity *= 2 }
        var buckets = [Int32](repeating: 0, count: capacity)
        var hashes = [UInt64](repeating: 0, count: capacity)
        var keyBytes: [UInt8] = []
        var keyStart = [0]
        var rules: [Int32] = []
        var ruleStart = [0]
        let mask = capacity - 1
        for (key, list) in entries.sorted(by: { $0.key < $1.key }) {
            let bytes = Array(key.utf8)
            let h = bytes.withUnsafeBufferPointer { ValueTable.hash($0, fold: false) }
            var i = Int(truncatingIfNeeded: h) & mask
            while buckets[i] != 0 { i = (i &+ 1) & mask }
            keyBytes.append(contentsOf: bytes)
            keyStart.append(keyBytes.count)
            rules.append(contentsOf: list)
            ruleStart.append(rules.count)
            buckets[i] = Int32(keyStart.count - 1)
            hashes[i] = h
        }
        self.buckets = buckets
        self.hashes = hashes
        self.keyBytes = keyBytes
        self.keyStart = keyStart
        self.rules = rules
        self.ruleStart = ruleStart
        self.mask = mask
    }

    @inline(__always)
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>, fold: Bool) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes { h = (h ^ UInt64(fold ? CaseFolding.foldByte(b) : b)) &* 0x100_0000_01b3 }
        return h ^ (h >> 29)
    }

    /// Calls `body` with each rule filed under `value` (compared case-insensitively, as `CaseFolding.fold`).
    @inline(__always)
    func forEach(_ value: String, _ body: (Int32) -> Void) {
        guard let k = find(value) else { return }
        rules.withUnsafeBufferPointer { r in
            for i in ruleStart[k]..<ruleStart[k + 1] { body(r[i]) }
        }
    }

    private func find(_ value: String) -> Int? {
        CaseFolding.withBytes(value, caseSensitive: false) { hay, fold -> Int? in
            let h = ValueTable.hash(hay, fold: fold)
            return buckets.withUnsafeBufferPointer { buckets in
                hashes.withUnsafeBufferPointer { hashes in
                    keyBytes.withUnsafeBufferPointer { keyBytes in
                        var i = Int(truncatingIfNeeded: h) & mask
                        while true {
                            let b = buckets[i]
                            if b == 0 { return nil }
                            if hashes[i] == h {
                                let k = Int(b) - 1
                                let start = keyStart[k]
                                if keyStart[k + 1] - start == hay.count, ValueTable.equal(hay, keyBytes, start, fold: fold) { return k }
                            }
                            i = (i &+ 1) & mask
                        }
                    }
                }
            }
        }
    }

    @inline(__always)
    private static func equal(_ hay: UnsafeBufferPointer<UInt8>, _ key: UnsafeBufferPointer<UInt8>, _ start: Int, fold: Bool) -> Bool {
        for i in 0..<hay.count where (fold ? CaseFolding.foldByte(hay[i]) : hay[i]) != key[start + i] { return false }
        return true
    }
}
