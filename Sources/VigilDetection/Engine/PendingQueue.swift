import DequeModule

/// Matched events waiting for the watermark, in (time, arrival) order.
///
/// Streams are nearly sorted, so an in-order event is appended in O(1) and only a late one pays for a sorted
/// insert; the oldest is taken from the front.
struct PendingQueue: Sendable {
    private(set) var items: Deque<Pending> = []

    var count: Int { items.count }
    var isEmpty: Bool { items.isEmpty }
    /// The oldest item's time, without copying the item.
    var firstTime: Int64? { items.isEmpty ? nil : items[items.startIndex].time }

    mutating func push(_ p: Pending) {
        guard let last = items.last, p < last else {
            items.append(p)
            return
        }
        var lo = 0
        var hi = items.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if items[mid] < p || items[mid] == p { lo = mid + 1 } else { hi = mid }
        }
        items.insert(p, at: lo)
    }

    mutating func pop() -> Pending? { items.popFirst() }
}
