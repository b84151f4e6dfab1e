import DequeModule

/// Matched events waiting for the watermark, in (time, arrival) order.
///
/// Streams are nearly sorted, so an in-order event is appended in O(1) and only a late one pays for a sorted
/// insert; the oldest is taken from the front. Beside each item, a `PrefetchHint` (plain bits, read without
/// touching the item's event) lets the engine start loading the group state an item ahead will update.
struct PendingQueue: Sendable {
    private(set) var items: Deque<Pending> = []
    private var hints: Deque<PrefetchHint> = []

    var count: Int { items.count }
    var isEmpty: Bool { items.isEmpty }
    /// The oldest item's time, without copying the item.
    var firstTime: Int64? { items.isEmpty ? nil : items[items.startIndex].time }

    /// The hint of the item `offset` places from the front; nil past the end.
    @inline(__always)
    func hint(at offset: Int) -> PrefetchHint? { offset < hints.count ? hints[offset] : nil }

    mutating func push(_ p: Pending, hint: PrefetchHint = .none) {
        guard let last = items.last, p < last else {
            items.append(p)
            hints.append(hint)
            return
        }
        var lo = 0
        var hi = items.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if items[mid] < p || items[mid] == p { lo = mid + 1 } else { hi = mid }
        }
        items.insert(p, at: lo)
        hints.insert(hint, at: lo)
    }

    mutating func pop() -> Pending? {
        _ = hints.popFirst()
        let item = items.popFirst()
        assert(hints.count == items.count, "hints stay beside their items")
        return item
    }
}

/// Where a pending item's first correlation update will land: the store (correlation index) and the group
/// key's hash in it; and the address of the item's event box, which the item keeps alive while the hint is
/// queued beside it (the prefetcher reads the box's field pointer through it).
struct PrefetchHint: Sendable {
    var correlation: Int32
    var hash: UInt32
    var box: UInt

    static let none = PrefetchHint(correlation: -1, hash: 0, box: 0)
}
