import DequeModule
import VigilEvents

/// An event held by reference: buffered input, windows and evidence share one copy.
final class EventBox: Sendable {
    let event: Event
    init(_ event: Event) { self.event = event }
}

/// A correlation hit held by reference, when it feeds another correlation.
final class HitBox: Sendable {
    let hit: Hit
    init(_ hit: Hit) { self.hit = hit }
}

/// What a correlation input carries: an event, or a hit of a correlation it chains to.
enum Payload: Sendable {
    case event(EventBox)
    case hit(HitBox)
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

/// The state of one group of one correlation: its window and aggregates, and suppression. Kept small (the hot
/// path touches one per update, among 100k+); what only some correlation types need lives in `extra`.
struct GroupState: Sendable {
    var entries: Deque<Occurrence> = []
    var sum: Double = 0
    var numeric: Int = 0
    /// Close-based windows: where the open window started (`.min`: none open).
    var windowStart: Int64 = .min
    /// After a hit: quiet while the burst goes on.
    var quiet = false
    var lastActivity: Int64 = .min
    var lastHit: Int64 = .min
    var extra: GroupExtra?

    mutating func clearWindow() {
        entries.removeAll(keepingCapacity: true)
        sum = 0
        numeric = 0
        windowStart = .min
        extra?.clear()
    }
}

/// Per-group state only value_count, value_percentile, temporal, temporal_ordered and absence use.
final class GroupExtra: @unchecked Sendable {
    var distinct: [String: Int] = [:]
    var sorted: [Double] = []
    var stageCounts: [Int32] = []
    var partials: [Partial?] = []
    /// Absence: the last event heard.
    var lastSeen: Occurrence?

    init(stages: Int) {
        stageCounts = [Int32](repeating: 0, count: stages)
        partials = [Partial?](repeating: nil, count: stages)
    }

    func clear() {
        distinct.removeAll()
        sorted.removeAll()
        for i in stageCounts.indices { stageCounts[i] = 0 }
        for i in partials.indices { partials[i] = nil }
    }
}

/// The groups of one correlation for one customer, with least-recently-used order for expiry and eviction.
///
/// Recency is an append-only queue of (time, slot, generation): a touch appends one entry (a sequential write,
/// where a linked list would write to two other, random slots); entries made stale by a later touch or by removal
/// are skipped when the front is read, and the queue is compacted when stale entries dominate.
struct GroupStore: Sendable {
    struct Touch: Sendable {
        var time: Int64
        var slot: Int32
        var generation: UInt32
    }

    var keys: [String] = []
    var states: [GroupState] = []
    var lastTouch: [Int64] = []
    var generation: [UInt32] = []
    var live: [Bool] = []
    var index: [String: Int32] = [:]
    var free: [Int32] = []
    var touches: Deque<Touch> = []
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
            keys[Int(s)] = key
            live[Int(s)] = true
        } else {
            s = Int32(keys.count)
            keys.append(key)
            states.append(GroupState())
            lastTouch.append(now)
            generation.append(0)
            live.append(true)
        }
        index[key] = s
        count += 1
        lastTouch[Int(s)] = now
        record(s)
        return (s, true)
    }

    mutating func touch(_ s: Int32, now: Int64) {
        if now > lastTouch[Int(s)] {
            lastTouch[Int(s)] = now
            record(s)
        }
    }

    private mutating func record(_ s: Int32) {
        touches.append(Touch(time: lastTouch[Int(s)], slot: s, generation: generation[Int(s)]))
        if touches.count > 2 * count + 1024 { compact() }
    }

    private func current(_ t: Touch) -> Bool {
        live[Int(t.slot)] && generation[Int(t.slot)] == t.generation && lastTouch[Int(t.slot)] == t.time
    }

    private mutating func compact() {
        var seen = Set<Int32>()
        var kept: Deque<Touch> = []
        kept.reserveCapacity(count)
        // Keep the last current entry of each slot, in order.
        for t in touches.reversed() where current(t) && seen.insert(t.slot).inserted { kept.prepend(t) }
        touches = kept
    }

    mutating func remove(_ s: Int32) {
        guard live[Int(s)] else { return }
        index.removeValue(forKey: keys[Int(s)])
        live[Int(s)] = false
        generation[Int(s)] &+= 1
        states[Int(s)] = GroupState()
        keys[Int(s)] = ""
        free.append(s)
        count -= 1
        if count == 0 { touches.removeAll(keepingCapacity: true) }
    }

    /// The least recently touched live slot.
    var oldest: Int32? {
        mutating get {
            while let t = touches.first {
                if current(t) { return t.slot }
                touches.removeFirst()
            }
            return nil
        }
    }

    /// Moves a group's state out for mutation (swap, so no copy-on-write).
    mutating func take(_ s: Int32) -> GroupState {
        var out = GroupState()
        swap(&out, &states[Int(s)])
        return out
    }

    /// Moves a state back in (swap: no copy of its buffers).
    mutating func put(_ s: Int32, _ state: inout GroupState) {
        swap(&states[Int(s)], &state)
    }
}
