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
    /// Arrival order in the low 47 bits, bit 47 set for a chained hit, the input (stage) in the high 16.
    var orderAndStage: UInt64
    var payload: Payload

    static let hitBit: UInt64 = 1 << 47

    init(_ o: Occurrence) {
        time = o.time
        orderAndStage = o.order & (WindowEntry.hitBit - 1) | UInt64(UInt16(truncatingIfNeeded: o.stage)) << 48
        if case .hit = o.payload { orderAndStage |= WindowEntry.hitBit }
        payload = o.payload
    }

    var order: UInt64 { orderAndStage & (WindowEntry.hitBit - 1) }
    var stage: Int32 { Int32(orderAndStage >> 48) }

    var start: Int64 { payload.start(at: time) }
}

extension Deque<WindowEntry> {
    /// Where the oldest entry starts. Reads the payload only for a chained hit: an event's entry is decided by
    /// its time, without touching (and retaining) the event.
    @inline(__always)
    var frontStart: Int64? {
        guard !isEmpty else { return nil }
        let i = startIndex
        let time = self[i].time
        if self[i].orderAndStage & WindowEntry.hitBit == 0 { return time }
        return self[i].payload.start(at: time)
    }
}

/// A temporal_ordered partial match: the first `entries.count` stages, starting at `start`.
struct Partial: Sendable {
    var start: Int64
    var entries: [Occurrence]
}

/// The state of one group of one correlation: its window and aggregates, and suppression. Kept small (the hot
/// path touches one per update, among 100k+); what only some correlation types need lives in `extra`.
struct GroupState: Sendable {
    // Fields every update reads come first: with the record's key and recency they share its first cache line.
    /// After a hit: quiet while the burst goes on.
    var quiet = false
    var entries: Deque<WindowEntry> = []
    var lastActivity: Int64 = .min
    /// Close-based windows: where the open window started (`.min`: none open).
    var windowStart: Int64 = .min
    var sum: Double = 0
    var numeric: Int = 0
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
