import DequeModule
import VigilEvents

/// What a correlation input carries: an event, or a hit of a correlation it chains to.
enum Payload: Sendable {
    case event(Event)
    case hit(Hit)
}

/// One input to a correlation window.
struct Occurrence: Sendable {
    /// When the input happened: the event's time, or when a chained hit completed (its last event).
    var time: Int64
    /// Where it starts for window spans: the event's time, or a chained hit's first event.
    var start: Int64
    var order: UInt64
    var stage: Int32
    var number: Double
    var valueKey: String?
    var payload: Payload
}

/// A temporal_ordered partial match: the first `entries.count` stages, starting at `start`.
struct Partial: Sendable {
    var start: Int64
    var entries: [Occurrence]
}

/// The state of one group of one correlation: its window and aggregates, and suppression.
struct GroupState: Sendable {
    var values: [String] = []
    var entries: Deque<Occurrence> = []
    var distinct: [String: Int] = [:]
    var sum: Double = 0
    var numeric: Int = 0
    var sorted: [Double] = []
    var stageCounts: [Int32] = []
    var partials: [Partial?] = []
    /// Close-based windows: where the open window started.
    var windowStart: Int64?
    /// After a hit: quiet while the burst goes on.
    var quiet = false
    var lastActivity: Int64 = .min
    var lastHit: Int64 = .min
    /// Absence: the last event heard.
    var lastSeen: Occurrence?

    mutating func clearWindow() {
        entries.removeAll()
        distinct.removeAll()
        sum = 0
        numeric = 0
        sorted.removeAll()
        for i in stageCounts.indices { stageCounts[i] = 0 }
        for i in partials.indices { partials[i] = nil }
        windowStart = nil
    }
}

/// The groups of one correlation for one customer, with least-recently-used order for expiry and eviction.
struct GroupStore: Sendable {
    struct Slot: Sendable {
        var key: String
        var state: GroupState
        var prev: Int32 = -1
        var next: Int32 = -1
        var lastTouch: Int64 = .min
        var generation: UInt32 = 0
        var live = false
    }

    var slots: [Slot] = []
    var index: [String: Int32] = [:]
    var free: [Int32] = []
    var head: Int32 = -1
    var tail: Int32 = -1
    var count = 0

    /// The slot of `key`, creating it when missing.
    mutating func slot(for key: String, now: Int64) -> (Int32, created: Bool) {
        if let s = index[key] {
            touch(s, now: now)
            return (s, false)
        }
        let s: Int32
        if let f = free.popLast() {
            s = f
            slots[Int(s)].key = key
            slots[Int(s)].state = GroupState()
            slots[Int(s)].live = true
        } else {
            s = Int32(slots.count)
            slots.append(Slot(key: key, state: GroupState(), live: true))
        }
        index[key] = s
        count += 1
        slots[Int(s)].lastTouch = now
        linkAtTail(s)
        return (s, true)
    }

    mutating func touch(_ s: Int32, now: Int64) {
        if now > slots[Int(s)].lastTouch { slots[Int(s)].lastTouch = now }
        guard tail != s else { return }
        unlink(s)
        linkAtTail(s)
    }

    mutating func remove(_ s: Int32) {
        guard slots[Int(s)].live else { return }
        unlink(s)
        index.removeValue(forKey: slots[Int(s)].key)
        slots[Int(s)].live = false
        slots[Int(s)].generation &+= 1
        slots[Int(s)].state = GroupState()
        slots[Int(s)].key = ""
        free.append(s)
        count -= 1
    }

    /// The least recently touched live slot.
    var oldest: Int32? { head >= 0 ? head : nil }

    private mutating func unlink(_ s: Int32) {
        let p = slots[Int(s)].prev
        let n = slots[Int(s)].next
        if p >= 0 { slots[Int(p)].next = n } else { head = n }
        if n >= 0 { slots[Int(n)].prev = p } else { tail = p }
        slots[Int(s)].prev = -1
        slots[Int(s)].next = -1
    }

    private mutating func linkAtTail(_ s: Int32) {
        slots[Int(s)].prev = tail
        slots[Int(s)].next = -1
        if tail >= 0 { slots[Int(tail)].next = s } else { head = s }
        tail = s
    }

    /// Moves a group's state out for mutation (swap, so no copy-on-write).
    mutating func take(_ s: Int32) -> GroupState {
        var out = GroupState()
        swap(&out, &slots[Int(s)].state)
        return out
    }

    mutating func put(_ s: Int32, _ state: GroupState) {
        slots[Int(s)].state = state
    }
}
