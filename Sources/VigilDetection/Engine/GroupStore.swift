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

    /// Where an input arriving at `time` starts for window spans: the event's time, or a chained hit's first event.
    @inline(__always)
    func start(at time: Int64) -> Int64 {
        if case .hit(let box) = self { return min(time, box.hit.firstTime.nanoseconds) }
        return time
    }
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

/// One entry of a window, compact (24 bytes, so a group's first entries share a cache line with the window's
/// header): what every update needs. An `Occurrence`'s start and value are derived from the payload again when
/// the entry leaves the window or goes into a hit (`DetectionEngine.occurrence(_:_:)`).
struct WindowEntry: Sendable {
    var time: Int64
    /// Arrival order in the low 48 bits, the input (stage) in the high 16.
    var orderAndStage: UInt64
    var payload: Payload

    init(_ o: Occurrence) {
        time = o.time
        orderAndStage = o.order & 0xFFFF_FFFF_FFFF | UInt64(UInt16(truncatingIfNeeded: o.stage)) << 48
        payload = o.payload
    }

    var order: UInt64 { orderAndStage & 0xFFFF_FFFF_FFFF }
    var stage: Int32 { Int32(orderAndStage >> 48) }

    var start: Int64 { payload.start(at: time) }
}

/// A temporal_ordered partial match: the first `entries.count` stages, starting at `start`.
struct Partial: Sendable {
    var start: Int64
    var entries: [Occurrence]
}

/// The state of one group of one correlation: its window and aggregates, and suppression. Kept small (the hot
/// path touches one per update, among 100k+); what only some correlation types need lives in `extra`.
struct GroupState: Sendable {
    var entries: Deque<WindowEntry> = []
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
/// A class, owned by one engine: the hot path mutates it in place through one reference (a struct inside
/// arrays of the runtime was copied, all nine buffers retained, on reads such as `stores[c].index[key]`).
///
/// Recency is an append-only queue of (time, slot, generation): a touch appends one entry (a sequential write,
/// where a linked list would write to two other, random slots); entries made stale by a later touch or by removal
/// are skipped when the front is read, and the queue is compacted when stale entries dominate.
final class GroupStore {
    struct Touch: Sendable {
        var time: Int64
        var slot: Int32
        var generation: UInt32
    }

    /// Per slot: recency, generation and liveness side by side, so a touch reads one cache line, not three.
    struct Meta: Sendable {
        var lastTouch: Int64
        var generation: UInt32
        var live: Bool
    }

    var keys: [String] = []
    var states: [GroupState] = []
    var meta: [Meta] = []
    var index: [String: Int32] = [:]
    var free: [Int32] = []
    var touches: Deque<Touch> = []
    var count = 0

    @inline(__always) func lastTouch(_ s: Int32) -> Int64 { meta[Int(s)].lastTouch }
    @inline(__always) func generation(_ s: Int32) -> UInt32 { meta[Int(s)].generation }
    @inline(__always) func isLive(_ s: Int32) -> Bool { meta[Int(s)].live }
    @inline(__always) func bumpGeneration(_ s: Int32) { meta[Int(s)].generation &+= 1 }

    /// The slot of `key`, creating it when missing.
    func slot(for key: String, now: Int64) -> (Int32, created: Bool) {
        if let s = index[key] {
            touch(s, now: now)
            return (s, false)
        }
        let s: Int32
        if let f = free.popLast() {
            s = f
            keys[Int(s)] = key
            meta[Int(s)].live = true
        } else {
            s = Int32(keys.count)
            keys.append(key)
            states.append(GroupState())
            meta.append(Meta(lastTouch: now, generation: 0, live: true))
        }
        index[key] = s
        count += 1
        meta[Int(s)].lastTouch = now
        record(s)
        return (s, true)
    }

    @inline(__always)
    func touch(_ s: Int32, now: Int64) {
        if now > meta[Int(s)].lastTouch {
            meta[Int(s)].lastTouch = now
            record(s)
        }
    }

    private func record(_ s: Int32) {
        let m = meta[Int(s)]
        touches.append(Touch(time: m.lastTouch, slot: s, generation: m.generation))
        if touches.count > 2 * count + 1024 { compact() }
    }

    private func current(_ t: Touch) -> Bool {
        let m = meta[Int(t.slot)]
        return m.live && m.generation == t.generation && m.lastTouch == t.time
    }

    /// Drops stale entries, in order. A slot has at most one current entry: a touch is recorded only when the
    /// time grows, and removal bumps the generation, so (slot, generation, time) is unique.
    private func compact() {
        var kept: Deque<Touch> = []
        kept.reserveCapacity(count + count / 2 + 1024)
        for t in touches where current(t) { kept.append(t) }
        touches = kept
    }

    func remove(_ s: Int32) {
        guard meta[Int(s)].live else { return }
        index.removeValue(forKey: keys[Int(s)])
        meta[Int(s)].live = false
        meta[Int(s)].generation &+= 1
        states[Int(s)] = GroupState()
        keys[Int(s)] = ""
        free.append(s)
        count -= 1
        if count == 0 { touches.removeAll(keepingCapacity: true) }
    }

    /// The least recently touched live slot.
    var oldest: Int32? {
        get {
            while let t = touches.first {
                if current(t) { return t.slot }
                touches.removeFirst()
            }
            return nil
        }
    }

    /// Moves a group's state out for mutation (swap, so no copy-on-write).
    func take(_ s: Int32) -> GroupState {
        var out = GroupState()
        swap(&out, &states[Int(s)])
        return out
    }

    /// Moves a state back in (swap: no copy of its buffers).
    func put(_ s: Int32, _ state: inout GroupState) {
        swap(&states[Int(s)], &state)
    }
}
