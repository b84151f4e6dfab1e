import CVigilHints
import Foundation

/// The groups of one correlation for one customer, with least-recently-used order for expiry and eviction.
///
/// A class, owned by one engine: the hot path mutates it in place through one reference (a struct inside
/// arrays of the runtime was copied, all its buffers retained, on reads such as `stores[c].index[key]`).
///
/// An update touches three places: a bucket of `table` (hash tag and slot), the group's record (key, recency and
/// state side by side) and the group's window. Recency is an append-only queue (`RecencyQueue`).
final class GroupStore {
    /// One group: key, recency and state in one record, so an update reads one record, not three arrays.
    struct Group: Sendable {
        var key: String
        var lastTouch: Int64
        /// Bumped when the slot is removed: stale recency entries and timers no longer match.
        var generation: UInt32
        /// Bumped when a timer is scheduled (and on removal): earlier timers of the group no longer match.
        var timerGeneration: UInt32
        var live: Bool
        var state: GroupState
    }

    /// By slot; removed slots are reused (`free`).
    var groups: [Group] = []
    private var table = SlotTable()
    private var free: [Int32] = []
    private var recency = RecencyQueue()
    private(set) var count = 0

    /// The table's hash of a key, keyed per store (see `GroupHash`).
    let hash = GroupHash()

    @inline(__always) func key(_ s: Int32) -> String { groups[Int(s)].key }
    @inline(__always) func lastTouch(_ s: Int32) -> Int64 { groups[Int(s)].lastTouch }
    @inline(__always) func timerGeneration(_ s: Int32) -> UInt32 { groups[Int(s)].timerGeneration }
    @inline(__always) func isLive(_ s: Int32) -> Bool { Int(s) < groups.count && groups[Int(s)].live }
    /// Invalidates the group's pending timers (a new one is being scheduled). Recency is untouched, so the group
    /// still expires and can still be evicted.
    @inline(__always) func bumpTimerGeneration(_ s: Int32) { groups[Int(s)].timerGeneration &+= 1 }

    /// The live slot of `key`, whose hash is `h`. Keys are equal when their UTF-8 bytes are (the hash reads bytes:
    /// Swift's `==`, which also equates canonically equivalent strings, would merge such keys only on a collision).
    @inline(__always)
    func find(_ key: String, hash h: UInt32) -> Int32? {
        groups.withUnsafeBufferPointer { g in table.find(h) { GroupStore.sameBytes(g[Int($0)].key, key) } }
    }

    /// Whether two strings have the same UTF-8 bytes. A small string (≤ 15 bytes) is its two words, so equal
    /// small strings — most group keys — are decided by comparing 16 bytes.
    @inline(__always)
    static func sameBytes(_ a: String, _ b: String) -> Bool {
        if unsafeBitCast(a, to: (UInt64, UInt64).self) == unsafeBitCast(b, to: (UInt64, UInt64).self) { return true }
        guard a.utf8.count == b.utf8.count else { return false }
        return CaseFolding.withUTF8(a) { x in
            CaseFolding.withUTF8(b) { y in x.count == 0 || memcmp(x.baseAddress!, y.baseAddress!, x.count) == 0 }
        }
    }

    /// Starts loading the bucket of hash `h` (the first step of a lookup, some updates ahead).
    @inline(__always)
    func prefetchBucket(_ h: UInt32) { table.prefetch(h) }

    /// Starts loading the record filed under hash `h` (once its bucket is cached).
    @inline(__always)
    func prefetchRecord(_ h: UInt32) {
        guard let s = table.firstSlot(h), Int(s) < groups.count else { return }
        groups.withUnsafeBufferPointer { vigil_prefetch($0.baseAddress! + Int(s)) }
    }

    /// The window storage object of the record filed under hash `h`, read as raw bits (a copy of the window
    /// would retain it: a write that waits for the very line a prefetch is meant to bring).
    @inline(__always)
    func windowStorage(_ h: UInt32) -> UnsafeRawPointer? {
        guard let s = table.firstSlot(h), Int(s) < groups.count,
              let offset = MemoryLayout<Group>.offset(of: \Group.state.entries) else { return nil }
        return groups.withUnsafeBufferPointer { g in
            UnsafeRawPointer(bitPattern: UnsafeRawPointer(g.baseAddress! + Int(s)).load(fromByteOffset: offset, as: UInt.self))
        }
    }

    /// Starts loading the window storage (header and first entries) of the record under `h`, once it is cached.
    @inline(__always)
    func prefetchWindow(_ h: UInt32) {
        guard let storage = windowStorage(h) else { return }
        vigil_prefetch(storage)
        vigil_prefetch(storage + 64)
    }

    /// Starts loading the event at the front of that window (the one an update evicts), once the window is
    /// cached; with `fields`, the event's field storage instead (once the event is cached).
    @inline(__always)
    func prefetchFrontEvent(_ h: UInt32, fields: Bool) {
        guard let storage = windowStorage(h), let box = WindowLayout.frontEventBox(storage) else { return }
        if fields {
            if let f = WindowLayout.fieldsStorage(box) { vigil_prefetch(f) }
        } else {
            vigil_prefetch(box)
            vigil_prefetch(box + 64)
        }
    }

    /// A new group for `key` (absent; hash `h`), touched at `now`.
    func insert(_ key: String, hash h: UInt32, now: Int64) -> Int32 {
        let s: Int32
        if let f = free.popLast() {
            s = f
            groups[Int(s)].key = key
            groups[Int(s)].live = true
            groups[Int(s)].lastTouch = now
        } else {
            s = Int32(groups.count)
            groups.append(Group(key: key, lastTouch: now, generation: 0, timerGeneration: 0, live: true, state: GroupState()))
        }
        table.insert(h, slot: s)
        count += 1
        record(s)
        return s
    }

    /// The slot of `key`, creating it when missing.
    func slot(for key: String, now: Int64) -> (Int32, created: Bool) {
        let h = hash(key)
        if let s = find(key, hash: h) {
            touch(s, now: now)
            return (s, false)
        }
        return (insert(key, hash: h, now: now), true)
    }

    @inline(__always)
    func touch(_ s: Int32, now: Int64) {
        if now > groups[Int(s)].lastTouch {
            groups[Int(s)].lastTouch = now
            record(s)
        }
    }

    private func record(_ s: Int32) {
        // Field reads, not a copy of the record (which would retain its key and window).
        recency.append(.init(time: groups[Int(s)].lastTouch, slot: s, generation: groups[Int(s)].generation))
        if recency.count > 2 * count + 1024 { recency.compact { current($0) } }
    }

    /// A slot has at most one current entry: a touch is recorded only when the time grows, and removal bumps
    /// the generation, so (slot, generation, time) is unique.
    private func current(_ e: RecencyQueue.Entry) -> Bool {
        let i = Int(e.slot)
        return groups[i].live && groups[i].generation == e.generation && groups[i].lastTouch == e.time
    }

    func remove(_ s: Int32) {
        guard isLive(s) else { return }
        table.remove(hash(groups[Int(s)].key), slot: s)
        groups[Int(s)].live = false
        groups[Int(s)].generation &+= 1
        groups[Int(s)].timerGeneration &+= 1
        groups[Int(s)].state = GroupState()
        groups[Int(s)].key = ""
        free.append(s)
        count -= 1
        if count == 0 { recency.removeAll() }
    }

    /// The least recently touched live slot.
    var oldest: Int32? {
        while let e = recency.first {
            if current(e) { return e.slot }
            recency.removeFirst()
        }
        return nil
    }

    /// Moves a group's state out for mutation (swap, so no copy-on-write).
    func take(_ s: Int32) -> GroupState {
        var out = GroupState()
        swap(&out, &groups[Int(s)].state)
        return out
    }

    /// Moves a state back in (swap: no copy of its buffers).
    func put(_ s: Int32, _ state: inout GroupState) {
        swap(&groups[Int(s)].state, &state)
    }
}
