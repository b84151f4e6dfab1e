/// Groups in the order they were last touched: a ring of (time, slot, generation) entries.
///
/// A touch appends (a sequential write); entries made stale by a later touch or by removal are skipped at the
/// front and dropped by `compact`, which works in place, so the ring's memory is reused rather than reallocated.
struct RecencyQueue: Sendable {
    struct Entry: Sendable, Equatable {
        var time: Int64
        var slot: Int32
        var generation: UInt32
    }

    private var ring: [Entry] = []
    private var head = 0
    private(set) var count = 0

    var first: Entry? { count == 0 ? nil : ring[head] }

    mutating func append(_ e: Entry) {
        if count == ring.count { grow() }
        ring[(head + count) & (ring.count - 1)] = e
        count += 1
    }

    mutating func removeFirst() {
        guard count > 0 else { return }
        head = (head + 1) & (ring.count - 1)
        count -= 1
    }

    mutating func removeAll() {
        head = 0
        count = 0
    }

    /// Keeps the entries `isCurrent` accepts, in order, without reallocating.
    mutating func compact(keeping isCurrent: (Entry) -> Bool) {
        guard count > 0 else { return }
        let m = ring.count - 1
        var kept = 0
        for k in 0..<count {
            let e = ring[(head + k) & m]
            if isCurrent(e) {
                ring[(head + kept) & m] = e
                kept += 1
            }
        }
        count = kept
    }

    /// The entries, oldest first (for tests and diagnostics).
    var entries: [Entry] { (0..<count).map { ring[(head + $0) & (ring.count - 1)] } }

    private mutating func grow() {
        let n = max(16, ring.count * 2)
        var next = [Entry](repeating: Entry(time: 0, slot: 0, generation: 0), count: n)
        for k in 0..<count { next[k] = ring[(head + k) & (ring.count - 1)] }
        ring = next
        head = 0
    }
}
