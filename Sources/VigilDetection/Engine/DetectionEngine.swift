import CVigilHints
import DequeModule
import Foundation
import VigilEvents

/// Runs a rule set over events, one shard at a time: single-threaded, no locks, driven by event time.
///
/// Feed events with `process(_:)`; call `advance(to:)` with a watermark to close windows and detect silences
/// when no events arrive. The engine never reads a clock: replaying the same events gives the same hits.
///
/// A class, owned by one shard: never share one engine between tasks (it has no locks, by design).
public final class DetectionEngine {
    public private(set) var ruleSet: RuleSet
    public let options: EngineOptions
    private var runtimes: [CustomerRuntime] = []
    private var runtimeIndex: [CustomerID: Int] = [:]
    private var lastCustomer: CustomerID?
    private var lastRuntime = -1
    private var arrival: UInt64 = 0
    private var stats = EngineStatistics()
    private var drainedSinceSweep = 0
    /// Inside `process(batch:)`: correlation input waits in the pending queue until the batch is matched.
    private var batching = false
    /// The runtimes (by index) that received events in the current batch.
    private var batchRuntimes: [Int] = []
    /// Per matcher slot: the event stamp when last marked as a candidate (dedupes candidates without clearing).
    private var marks: [UInt32]
    private var stamp: UInt32 = 0
    private var scratchCandidates: [Int32] = []
    /// Detections whose correlation input skips the pending queue (lateness 0), fed after the watermark moves.
    private var directInputs: [Int32] = []

    public init(ruleSet: RuleSet, options: EngineOptions = .init()) {
        self.ruleSet = ruleSet
        self.options = options
        self.marks = [UInt32](repeating: 0, count: ruleSet.matching.slots.count)
    }

    // MARK: - Public API

    /// Evaluates one event: detection hits at once, plus correlation hits whose windows the event's time settled.
    public func process(_ event: Event) -> [Hit] {
        stats.eventsProcessed += 1
        guard let ci = runtime(for: event.customer) else {
            stats.eventsWithoutPlaybook += 1
            return []
        }
        // One reference to the customer's state for the whole event: each `runtimes[ci]` read retains it.
        let rt = runtimes[ci]
        let program = rt.program
        let t = event.eventTime.nanoseconds
        var out: [Hit] = []
        var excluded = false
        if !program.globalExclusions.isEmpty {
            for ex in program.globalExclusions where ex.matcher.matches(event) {
                excluded = true
                break
            }
        }
        if excluded {
            stats.eventsExcluded += 1
        } else {
            arrival &+= 1
            if rt.maxSeen == .min { registerExpected(ci, at: t) }
            let late = t < rt.watermark
            let table = ruleSet.matching
            var candidates: [Int32] = []
            swap(&candidates, &scratchCandidates)
            stamp &+= 1
            if stamp == 0 {
                for i in marks.indices { marks[i] = 0 }
                stamp = 1
            }
            let stamp = self.stamp
            DetectionEngine.clear(&candidates)
            let local = rt.instanceOfSlot
            marks.withUnsafeMutableBufferPointer { marks in
                local.withUnsafeBufferPointer { local in
                    table.index.forEachCandidate(event) { slot in
                        if marks[Int(slot)] != stamp {
                            marks[Int(slot)] = stamp
                            if local[Int(slot)] >= 0 { candidates.append(slot) }
                        }
                    }
                }
            }
            if candidates.count > 1 { candidates.sort { local[Int($0)] < local[Int($1)] } }
            var lateCounted = false
            var box: EventBox?
            // Lateness 0 and nothing buffered: the watermark reaches this event's time at once, so its correlation
            // input is fed right after the timers it passes, with no trip through the pending queue (same order).
            let direct = !batching && options.allowedLateness.nanoseconds == 0 && rt.pending.isEmpty && !late
            DetectionEngine.clear(&directInputs)
            stats.candidateTests &+= UInt64(candidates.count)
            for slot in candidates {
                guard table.slotRefs[Int(slot)]._withUnsafeGuaranteedRef({ $0.matches(event) }) else { continue }
                let i = local[Int(slot)]
                stats.detectionMatches += 1
                let instance = Unmanaged.passUnretained(program.detections[Int(i)])
                let (emits, consumes) = instance._withUnsafeGuaranteedRef { ($0.emits, !$0.consumers.isEmpty) }
                if emits, let hit = detectionHit(ci, Int(i), event) { out.append(hit) }
                if consumes {
                    if late {
                        if !lateCounted { stats.lateEventsDropped += 1; lateCounted = true }
                    } else {
                        if direct {
                            directInputs.append(i)
                        } else {
                            if box == nil { box = EventBox(event) }
                            rt.pending.push(Pending(time: t, order: arrival, detection: i, box: box!), hint: prefetchHint(rt, Int(i), box!))
                        }
                    }
                }
            }
            swap(&candidates, &scratchCandidates)
        }
        if t > rt.maxSeen {
            rt.maxSeen = t
            let w = t &- options.allowedLateness.nanoseconds
            if w > rt.watermark { rt.watermark = w }
        }
        if batching {
            if batchRuntimes.last != ci, !batchRuntimes.contains(ci) { batchRuntimes.append(ci) }
            return out
        }
        var released: [Hit]
        if directInputs.isEmpty {
            released = drain(ci)
        } else {
            released = drain(ci, sweeping: false)
            let box = EventBox(event)
            let order = arrival
            // Indexes, not `for … in`: iterating the engine's list or an instance's consumers retains them.
            var n = 0
            while n < directInputs.count {
                let instance = Unmanaged.passUnretained(program.detections[Int(directInputs[n])])
                let consumers = instance._withUnsafeGuaranteedRef { $0.consumers.count }
                for j in 0..<consumers {
                    let (c, k) = instance._withUnsafeGuaranteedRef { $0.consumers[j] }
                    feed(ci, c, k, .event(box), time: t, order: order, into: &released)
                }
                drainedSinceSweep += 1
                n += 1
            }
            DetectionEngine.clear(&directInputs)
            sweepIfDue(ci)
        }
        if released.isEmpty { return out }
        released.append(contentsOf: out)
        return released
    }

    /// Evaluates a batch of events in order (a connection's read burst), with the same hits as `process` one by
    /// one, detection hits first. Correlation input is fed once the whole batch is matched, in event-time order
    /// through the pending queue, so each update's group state is prefetched while earlier updates run.
    public func process(batch events: [Event]) -> [Hit] {
        batching = true
        var out: [Hit] = []
        for i in events.indices {
            let hits = process(events[i])
            if !hits.isEmpty { out.append(contentsOf: hits) }
        }
        batching = false
        for n in batchRuntimes.indices {
            let released = drain(batchRuntimes[n])
            if !released.isEmpty { out.append(contentsOf: released) }
        }
        batchRuntimes.removeAll(keepingCapacity: true)
        return out
    }

    /// Declares that no event older than `watermark` will come (for every customer): closes windows,
    /// fires absence rules and releases buffered correlation input.
    public func advance(to watermark: Timestamp) -> [Hit] {
        var out: [Hit] = []
        // Customers that expect sources (absence rules with `expect`) are watched even before their first event.
        for (customer, program) in ruleSet.programs.sorted(by: { $0.key < $1.key }) where runtimeIndex[customer] == nil {
            guard program.correlations.contains(where: { $0.kind == .absence && !$0.expected.isEmpty }),
                  let ci = runtime(for: customer) else { continue }
            runtimes[ci].maxSeen = watermark.nanoseconds
            registerExpected(ci, at: watermark.nanoseconds)
        }
        for ci in runtimes.indices {
            if watermark.nanoseconds > runtimes[ci].watermark { runtimes[ci].watermark = watermark.nanoseconds }
            out.append(contentsOf: drain(ci))
            sweep(ci, force: true)
        }
        return out
    }

    /// Swaps in a new rule set; state of rules whose definition (and inputs, and settings) did not change is kept.
    public func replace(ruleSet newSet: RuleSet) -> RuleSetDiff {
        var diff = newSet.diff(from: ruleSet)
        var kept = 0
        var dropped = 0
        var newRuntimes: [CustomerRuntime] = []
        var newIndex: [CustomerID: Int] = [:]
        for rt in runtimes {
            guard let program = newSet.programs[rt.program.customer] else {
                dropped += rt.stores.count
                continue
            }
            if program === rt.program {
                rt.instanceOfSlot = newSet.matching.instanceOfSlot[program.customer] ?? []
                newIndex[program.customer] = newRuntimes.count
                newRuntimes.append(rt)
                continue
            }
            let old = rt.program
            var oldCorrelation: [String: Int] = [:]
            for (i, c) in old.correlations.enumerated() { oldCorrelation[c.key] = i }
            var oldDetection: [String: Int] = [:]
            for (i, d) in old.detections.enumerated() { oldDetection[d.key] = i }
            var stores = (0..<program.correlations.count).map { _ in GroupStore() }
            var climbs = [[String: Deque<Int64>]](repeating: [:], count: program.correlations.count)
            var correlationMap: [Int: Int] = [:]
            for (n, c) in program.correlations.enumerated() {
                if let o = oldCorrelation[c.key], old.correlations[o].fingerprint == c.fingerprint {
                    stores[n] = rt.stores[o]
                    climbs[n] = rt.correlationClimbs[o]
                    correlationMap[o] = n
                    kept += 1
                }
            }
            dropped += old.correlations.count - correlationMap.count
            var detectionMap: [Int: Int] = [:]
            var subjects = [[String: SubjectState]](repeating: [:], count: program.detections.count)
            for (n, d) in program.detections.enumerated() {
                if let o = oldDetection[d.key], old.detections[o].fingerprint == d.fingerprint {
                    detectionMap[o] = n
                    subjects[n] = rt.subjects[o]
                }
            }
            var pending = PendingQueue()
            for p in rt.pending.items {
                if let n = detectionMap[Int(p.detection)] {
                    var q = p
                    q.detection = Int32(n)
                    pending.push(q)
                }
            }
            var timers = Heap<Timer>()
            for t in rt.timers.items {
                if let n = correlationMap[Int(t.correlation)] {
                    var u = t
                    u.correlation = Int32(n)
                    timers.push(u)
                }
            }
            rt.program = program
            rt.stores = stores
            rt.correlationClimbs = climbs
            rt.subjects = subjects
            rt.pending = pending
            rt.timers = timers
            rt.instanceOfSlot = newSet.matching.instanceOfSlot[program.customer] ?? []
            rt.totalGroups = stores.reduce(0) { $0 + $1.count }
            newIndex[program.customer] = newRuntimes.count
            newRuntimes.append(rt)
        }
        runtimes = newRuntimes
        runtimeIndex = newIndex
        lastCustomer = nil
        lastRuntime = -1
        ruleSet = newSet
        marks = [UInt32](repeating: 0, count: newSet.matching.slots.count)
        stamp = 0
        diff.keptStates = kept
        diff.droppedStates = dropped
        return diff
    }

    /// Empties a scratch list, keeping its capacity (`removeAll(keepingCapacity:)` costs ~80 instructions here).
    @inline(__always)
    private static func clear(_ list: inout [Int32]) {
        while !list.isEmpty { list.removeLast() }
    }

    /// Counters plus current state sizes.
    public var statistics: EngineStatistics {
        var s = stats
        s.customers = runtimes.count
        s.pendingOccurrences = runtimes.reduce(0) { $0 + $1.pending.count }
        var byRule: [String: Int] = [:]
        var live = 0
        for rt in runtimes {
            for (i, store) in rt.stores.enumerated() where store.count > 0 {
                byRule[rt.program.correlations[i].key, default: 0] += store.count
                live += store.count
            }
        }
        s.liveGroups = live
        s.liveGroupsByRule = byRule
        return s
    }

    // MARK: - Runtime lookup

    private func runtime(for customer: CustomerID) -> Int? {
        if lastRuntime >= 0, lastCustomer == customer { return lastRuntime }
        if let i = runtimeIndex[customer] {
            lastCustomer = customer
            lastRuntime = i
            return i
        }
        guard let program = ruleSet.programs[customer] else { return nil }
        let i = runtimes.count
        runtimes.append(CustomerRuntime(program: program, instanceOfSlot: ruleSet.matching.instanceOfSlot[customer] ?? []))
        runtimeIndex[customer] = i
        lastCustomer = customer
        lastRuntime = i
        return i
    }

    /// Absence rules with expected groups start their clocks at a customer's first event.
    private func registerExpected(_ ci: Int, at t: Int64) {
        let program = runtimes[ci].program
        for (c, inst) in program.correlations.enumerated() where inst.kind == .absence && !inst.expected.isEmpty {
            for value in inst.expected {
                let (s, created) = runtimes[ci].group(c, value, now: t)
                guard created else { continue }
                runtimes[ci].stores[c].groups[Int(s)].state.lastActivity = t
                schedule(ci, c, s, at: t &+ inst.timespan.nanoseconds)
            }
        }
    }

    // MARK: - Draining buffered input in event-time order

    private func drain(_ ci: Int, sweeping: Bool = true) -> [Hit] {
        var out: [Hit] = []
        let rt = runtimes[ci]
        let w = rt.watermark
        // Most events release nothing: no buffered input and no timer due.
        if rt.pending.isEmpty, rt.timers.isEmpty || rt.timers.items[0].deadline >= w {
            if sweeping { sweepIfDue(ci) }
            return out
        }
        while true {
            // Times only (no copy of a pending item, which would retain its event box).
            let pendingTime = rt.pending.firstTime
            let timerDeadline = rt.timers.first?.deadline
            let pendingDue = pendingTime.map { $0 <= w } ?? false
            let timerDue = timerDeadline.map { $0 < w } ?? false
            if !pendingDue && !timerDue { break }
            if pendingDue, !timerDue || pendingTime! <= timerDeadline! {
                prefetchAhead(rt)
                let p = rt.pending.pop()!
                // Indexes and an unretained instance, as in `process`: iterating `consumers` retains the list.
                let instance = Unmanaged.passUnretained(rt.program.detections[Int(p.detection)])
                let consumers = instance._withUnsafeGuaranteedRef { $0.consumers.count }
                for j in 0..<consumers {
                    let (c, k) = instance._withUnsafeGuaranteedRef { $0.consumers[j] }
                    feed(ci, c, k, .event(p.box), time: p.time, order: p.order, into: &out)
                }
            } else if let timer = rt.timers.pop() {
                fire(ci, timer, into: &out)
            }
            drainedSinceSweep += 1
        }
        if sweeping { sweepIfDue(ci) }
        return out
    }

    /// Where a buffered event's first correlation update will land, computed while the event is in cache.
    private func prefetchHint(_ rt: CustomerRuntime, _ detection: Int, _ box: EventBox) -> PrefetchHint {
        let instance = Unmanaged.passUnretained(rt.program.detections[detection])
        guard let (c, k) = instance._withUnsafeGuaranteedRef({ $0.consumers.first }),
              let key = rt.correlationRefs[c]._withUnsafeGuaranteedRef({ groupKey(.event(box), $0.inputs[k].groupFields) })
        else { return .none }
        let hash = rt.storeRefs[c]._withUnsafeGuaranteedRef { $0.hash(key) }
        return PrefetchHint(correlation: Int32(c), hash: hash, box: UInt(bitPattern: Unmanaged.passUnretained(box).toOpaque()))
    }

    /// Buffered input is fed in order, so the memory the next items' updates touch is known. Each update starts
    /// loading one step of a later item's path, a step whose address the previous step (one update earlier)
    /// brought into cache: bucket (6 ahead); record and the item's own event (5); window and the event's fields
    /// (4); the event the window will evict (3) and its fields (2). Each update then finds its state in cache
    /// rather than waiting on memory, which 100k+ groups and a lateness window of events do not fit in.
    @inline(__always)
    private func prefetchAhead(_ rt: CustomerRuntime) {
        rt.storeRefs.withUnsafeBufferPointer { stores in
            for distance in 2...6 {
                guard let h = rt.pending.hint(at: distance), h.correlation >= 0, Int(h.correlation) < stores.count else { continue }
                stores[Int(h.correlation)]._withUnsafeGuaranteedRef { store in
                    switch distance {
                    case 6:
                        store.prefetchBucket(h.hash)
                    case 5:
                        store.prefetchRecord(h.hash)
                        if let box = UnsafeRawPointer(bitPattern: h.box) { vigil_prefetch(box); vigil_prefetch(box + 64) }
                    case 4:
                        store.prefetchWindow(h.hash)
                        if let box = UnsafeRawPointer(bitPattern: h.box), let f = WindowLayout.fieldsStorage(box) { vigil_prefetch(f) }
                    case 3:
                        store.prefetchFrontEvent(h.hash, fields: false)
                    default:
                        store.prefetchFrontEvent(h.hash, fields: true)
                    }
                }
            }
        }
    }

    private func sweepIfDue(_ ci: Int) {
        if drainedSinceSweep >= 4096 {
            sweep(ci, force: false)
            drainedSinceSweep = 0
        }
    }

    private func schedule(_ ci: Int, _ c: Int, _ s: Int32, at deadline: Int64) {
        runtimes[ci].timerSequence &+= 1
        let generation = runtimes[ci].stores[c].timerGeneration(s)
        runtimes[ci].timers.push(Timer(deadline: deadline, sequence: runtimes[ci].timerSequence, correlation: Int32(c), slot: s, generation: generation))
    }

    /// Removes groups whose windows and quiet periods have passed.
    private func sweep(_ ci: Int, force: Bool) {
        let w = runtimes[ci].watermark
        guard w != .min else { return }
        let program = runtimes[ci].program
        for (c, inst) in program.correlations.enumerated() where inst.kind != .absence {
            let horizon = inst.timespan.nanoseconds &+ (inst.spec.suppress ?? inst.timespan).nanoseconds
            while let s = runtimes[ci].stores[c].oldest {
                guard runtimes[ci].stores[c].lastTouch(s) < w &- horizon, runtimes[ci].stores[c].groups[Int(s)].state.windowStart == .min else { break }
                runtimes[ci].removeGroup(c, s)
            }
        }
    }

    // MARK: - Correlation updates

    private func groupValues(_ payload: Payload, _ fields: [String]) -> [String]? {
        var values: [String] = []
        values.reserveCapacity(fields.count)
        for f in fields {
            switch payload {
            case .event(let box):
                guard let v = box.event.fieldValue(f), let s = DetectionEngine.text(v) else { return nil }
                values.append(s)
            case .hit(let box):
                guard let g = box.hit.group.first(where: { $0.field == f }) else { return nil }
                values.append(g.value)
            }
        }
        return values
    }

    /// The group values a key was built from.
    static func values(of key: String) -> [String] {
        key.utf8.contains(0x1F) ? key.split(separator: "\u{1F}", omittingEmptySubsequences: false).map(String.init) : [key]
    }

    static func text(_ v: FieldValue) -> String? {
        switch v {
        case .null: return nil
        case .array(let items):
            let parts = items.compactMap { text($0) }
            return parts.isEmpty ? nil : parts.joined(separator: ",")
        default: return v.stringValue
        }
    }

    /// The group key of an input: the one value, or the values joined by U+001F; nil when a field is missing.
    private func groupKey(_ payload: Payload, _ fields: [String]) -> String? {
        if fields.count == 1 {
            switch payload {
            case .event(let box):
                guard let v = box.event.fieldValue(fields[0]) else { return nil }
                if case .string(let s) = v { return s }
                return DetectionEngine.text(v)
            case .hit(let box):
                return box.hit.group.first(where: { $0.field == fields[0] })?.value
            }
        }
        return groupValues(payload, fields)?.joined(separator: "\u{1F}")
    }

    private func feed(_ ci: Int, _ c: Int, _ k: Int, _ payload: Payload, time t: Int64, order: UInt64, into out: inout [Hit]) {
        let rt = runtimes[ci]
        // Borrowed: the runtime's program and store list keep both alive (a retain and release each per update otherwise).
        rt.correlationRefs[c]._withUnsafeGuaranteedRef { inst in
            rt.storeRefs[c]._withUnsafeGuaranteedRef { store in
                feed(rt, ci, c, k, inst, store, payload, time: t, order: order, into: &out)
            }
        }
    }

    private func feed(_ rt: CustomerRuntime, _ ci: Int, _ c: Int, _ k: Int, _ inst: CorrelationInstance, _ store: GroupStore,
                      _ payload: Payload, time t: Int64, order: UInt64, into out: inout [Hit])
    {
        guard let key = groupKey(payload, inst.inputs[k].groupFields) else {
            stats.groupFieldMissing += 1
            return
        }
        var occurrence = Occurrence(time: t, start: payload.start(at: t), order: order, stage: Int32(k), number: 0, valueKey: nil, payload: payload)
        guard DetectionEngine.fillValue(&occurrence, inst.inputs[k], inst.kind) else {
            stats.valueFieldMissing += 1
            return
        }
        stats.correlationUpdates += 1
        let h = store.hash(key)
        let s: Int32
        let created: Bool
        if let existing = store.find(key, hash: h) {
            store.touch(existing, now: t)
            s = existing
            created = false
        } else {
            // Caps: per rule, then per customer.
            if store.count >= options.maxGroupsPerRule, let victim = store.oldest {
                rt.removeGroup(c, victim)
                stats.groupEvictions += 1
            }
            if rt.totalGroups >= options.maxGroupsPerCustomer {
                if let victim = store.oldest {
                    rt.removeGroup(c, victim)
                } else if let other = rt.stores.indices.max(by: { rt.stores[$0].count < rt.stores[$1].count }),
                          let victim = rt.stores[other].oldest
                {
                    rt.removeGroup(other, victim)
                }
                stats.groupEvictions += 1
            }
            s = rt.insertGroup(c, key, hash: h, now: t)
            created = true
        }
        var windowDropped: UInt64 = 0
        let action = DetectionEngine.update(&store.groups[Int(s)].state, consume occurrence, created: created, inst,
                                            maxEntries: options.maxEntriesPerGroup, dropped: &windowDropped)
        stats.windowEntriesDropped &+= windowDropped
        switch action {
        case .none:
            break
        case .suppressed:
            stats.hitsSuppressed += 1
        case .schedule(let deadline):
            store.bumpTimerGeneration(s)
            schedule(ci, c, s, at: deadline)
        case .fire(let entries, let value):
            emitCorrelation(ci, c, values: DetectionEngine.values(of: store.key(s)), entries: entries, value: value, time: t, into: &out)
        }
    }

    /// value_count's key or value_sum/avg/percentile's number, from the input's value field; false when missing.
    static func fillValue(_ o: inout Occurrence, _ input: CorrelationInput, _ kind: CorrelationKind) -> Bool {
        guard let vf = input.valueField else { return true }
        let raw: FieldValue?
        switch o.payload {
        case .event(let box): raw = box.event.fieldValue(vf)
        case .hit(let box): raw = box.hit.group.first { $0.field == vf }.map { .string($0.value) }
        }
        switch kind {
        case .valueCount:
            guard let r = raw, let s = DetectionEngine.text(r) else { return false }
            o.valueKey = s
        case .valueSum, .valueAvg, .valuePercentile:
            guard let d = raw?.doubleValue, d.isFinite else { return false }
            o.number = d
        default: break
        }
        return true
    }

    /// A window entry as a full occurrence (its value derived again from the payload, as when it was added).
    static func occurrence(_ e: WindowEntry, _ inst: CorrelationInstance) -> Occurrence {
        var o = Occurrence(time: e.time, start: e.start, order: e.order, stage: e.stage, number: 0, valueKey: nil, payload: e.payload)
        _ = fillValue(&o, inst.inputs[Int(e.stage)], inst.kind)
        return o
    }

    /// The window's entries as occurrences, oldest first (for a hit).
    static func occurrences(_ state: GroupState, _ inst: CorrelationInstance) -> [Occurrence] {
        state.entries.map { occurrence($0, inst) }
    }

    /// What a correlation update asks the engine to do.
    enum UpdateAction {
        case none
        case suppressed
        /// Start a timer: a close-based window or an absence deadline.
        case schedule(Int64)
        case fire([Occurrence], Double)
    }

    /// One occurrence into one group's state: the window logic, free of engine bookkeeping.
    static func update(_ state: inout GroupState, _ occurrence: consuming Occurrence, created: Bool, _ inst: CorrelationInstance,
                       maxEntries: Int, dropped: inout UInt64) -> UpdateAction
    {
        let t = occurrence.time
        if state.extra == nil {
            switch inst.kind {
            case .valueCount, .valuePercentile, .temporal, .temporalOrdered, .absence: state.extra = GroupExtra(stages: inst.inputs.count)
            default: break
            }
        }
        if created {
            if inst.kind == .eventCount || inst.kind == .valueCount || inst.kind == .valueSum || inst.kind == .valueAvg {
                if let bound = inst.condition.terms.map(\.value).max(), bound.isFinite, bound >= 1 {
                    // A small start: 100k+ groups each holding a 64-entry buffer cost hundreds of MB (page faults,
                    // TLB misses); the deque grows by doubling when a burst needs more.
                    state.entries.reserveCapacity(Int(min(bound + 1, 8)))
                }
            }
        }
        let span = inst.timespan.nanoseconds
        let suppress = (inst.spec.suppress ?? inst.timespan).nanoseconds
        if inst.kind == .absence {
            state.extra!.lastSeen = occurrence
            state.lastActivity = t
            return .schedule(t &+ span)
        }
        // Suppression: after a hit the group stays quiet while the burst goes on.
        if state.quiet {
            if t &- state.lastActivity > suppress {
                state.quiet = false
                state.clearWindow()
            } else {
                state.lastActivity = t
                if inst.spec.realert == nil || inst.closeBased { return .suppressed }
            }
        }
        state.lastActivity = t
        var fired: [Occurrence]?
        var value = 0.0
        switch inst.kind {
        case .temporalOrdered:
            let n = inst.inputs.count
            let stage = Int(occurrence.stage)
            for i in 0..<n where state.extra!.partials[i] != nil && state.extra!.partials[i]!.start < t &- span { state.extra!.partials[i] = nil }
            if stage == 0 {
                if occurrence.start >= t &- span { state.extra!.partials[0] = Partial(start: occurrence.start, entries: [occurrence]) }
            } else if let p = state.extra!.partials[stage - 1], p.start >= t &- span {
                let begin = min(p.start, occurrence.start)
                if begin >= t &- span, state.extra!.partials[stage] == nil || state.extra!.partials[stage]!.start <= begin {
                    state.extra!.partials[stage] = Partial(start: begin, entries: p.entries + [occurrence])
                }
            }
            if let done = state.extra!.partials[n - 1] {
                if quietBlocksRealert(state, inst, t) {
                    state.extra!.partials[n - 1] = nil
                } else {
                    fired = done.entries
                    value = Double(n)
                }
            }
        default:
            append(consume occurrence, to: &state, inst)
            if state.entries.count > maxEntries {
                evictFront(&state, inst)
                dropped &+= 1
            }
            if inst.closeBased {
                if state.windowStart == .min {
                    state.windowStart = t
                    return .schedule(t &+ span)
                }
            } else {
                while let start = state.entries.frontStart, start < t &- span { evictFront(&state, inst) }
                if let v = aggregate(state, inst), inst.condition.holds(v), !quietBlocksRealert(state, inst, t) {
                    fired = occurrences(state, inst)
                    value = v
                }
            }
        }
        guard let entries = fired else { return .none }
        state.clearWindow()
        state.quiet = true
        state.lastHit = t
        state.lastActivity = t
        return .fire(entries, value)
    }

    /// In a quiet burst with `realert`, a new hit needs the realert interval to have passed.
    private static func quietBlocksRealert(_ state: GroupState, _ inst: CorrelationInstance, _ t: Int64) -> Bool {
        guard state.quiet, let realert = inst.spec.realert else { return false }
        return t &- state.lastHit < realert.nanoseconds
    }

    private static func append(_ o: consuming Occurrence, to state: inout GroupState, _ inst: CorrelationInstance) {
        let kind = inst.kind
        let valueKey = kind == .valueCount ? o.valueKey : nil
        let number = o.number
        let stage = o.stage
        state.entries.append(WindowEntry(o))
        switch kind {
        case .valueCount: state.extra!.distinct[valueKey ?? "", default: 0] += 1
        case .valueSum, .valueAvg:
            state.sum += number
            state.numeric += 1
        case .valuePercentile:
            let i = DetectionEngine.lowerBound(state.extra!.sorted, number)
            state.extra!.sorted.insert(number, at: i)
        case .temporal: state.extra!.stageCounts[Int(stage)] += 1
        default: break
        }
    }

    private static func evictFront(_ state: inout GroupState, _ inst: CorrelationInstance) {
        guard let e = state.entries.popFirst() else { return }
        switch inst.kind {
        case .eventCount, .temporalOrdered, .absence: return
        case .temporal: state.extra!.stageCounts[Int(e.stage)] -= 1
        case .valueCount:
            let k = occurrence(e, inst).valueKey ?? ""
            if let n = state.extra!.distinct[k] {
                if n <= 1 { state.extra!.distinct.removeValue(forKey: k) } else { state.extra!.distinct[k] = n - 1 }
            }
        case .valueSum, .valueAvg:
            state.sum -= occurrence(e, inst).number
            state.numeric -= 1
            if state.numeric == 0 { state.sum = 0 }
        case .valuePercentile:
            let number = occurrence(e, inst).number
            let i = DetectionEngine.lowerBound(state.extra!.sorted, number)
            if i < state.extra!.sorted.count { state.extra!.sorted.remove(at: i) }
        }
    }

    static func lowerBound(_ a: [Double], _ x: Double) -> Int {
        var lo = 0
        var hi = a.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if a[mid] < x { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// The number the condition is applied to; nil when there is none (no numeric values).
    private static func aggregate(_ state: GroupState, _ inst: CorrelationInstance) -> Double? {
        switch inst.kind {
        case .eventCount: return Double(state.entries.count)
        case .valueCount: return Double(state.extra!.distinct.count)
        case .temporal: return Double(state.extra!.stageCounts.reduce(0) { $0 + ($1 > 0 ? 1 : 0) })
        case .valueSum: return state.numeric > 0 ? state.sum : nil
        case .valueAvg: return state.numeric > 0 ? state.sum / Double(state.numeric) : nil
        case .valuePercentile(let p):
            guard !state.extra!.sorted.isEmpty else { return nil }
            // Nearest rank: the smallest value with at least p% of the values at or below it.
            let rank = max(1, Int((p / 100 * Double(state.extra!.sorted.count)).rounded(.up)))
            return state.extra!.sorted[min(rank, state.extra!.sorted.count) - 1]
        case .temporalOrdered: return nil
        case .absence: return nil
        }
    }

    /// A timer: a close-based window ends, or an absence deadline passes.
    private func fire(_ ci: Int, _ timer: Timer, into out: inout [Hit]) {
        let c = Int(timer.correlation)
        let s = timer.slot
        guard c < runtimes[ci].stores.count else { return }
        guard runtimes[ci].stores[c].isLive(s), runtimes[ci].stores[c].timerGeneration(s) == timer.generation else { return }
        let inst = runtimes[ci].program.correlations[c]
        if inst.kind == .absence {
            let state = runtimes[ci].stores[c].take(s)
            let values = DetectionEngine.values(of: runtimes[ci].stores[c].key(s))
            runtimes[ci].removeGroup(c, s)
            let entries = state.extra?.lastSeen.map { [$0] } ?? []
            emitCorrelation(ci, c, values: values, entries: entries, value: 0, time: timer.deadline, since: state.lastActivity, into: &out)
            return
        }
        var state = runtimes[ci].stores[c].take(s)
        let value = DetectionEngine.aggregate(state, inst)
        let entries = DetectionEngine.occurrences(state, inst)
        state.clearWindow()
        if let value, inst.condition.holds(value) {
            state.quiet = true
            state.lastHit = timer.deadline
            state.lastActivity = entries.last?.time ?? timer.deadline
            let values = DetectionEngine.values(of: runtimes[ci].stores[c].key(s))
            runtimes[ci].stores[c].put(s, &state)
            emitCorrelation(ci, c, values: values, entries: entries, value: value, time: timer.deadline, into: &out)
        } else {
            runtimes[ci].stores[c].put(s, &state)
        }
    }

    // MARK: - Hits

    private func emitCorrelation(_ ci: Int, _ c: Int, values: [String], entries: [Occurrence], value: Double, time: Int64,
                                          since: Int64? = nil, into out: inout [Hit])
    {
        let program = runtimes[ci].program
        let inst = program.correlations[c]
        if let when = inst.spec.when, !when.holds(at: Timestamp(nanoseconds: time)) {
            stats.hitsOutsideTimeWindow += 1
            return
        }
        let key = values.joined(separator: "\u{1F}")
        var occurrence = 1
        if let climb = inst.spec.climb {
            occurrence = recordClimb(&runtimes[ci].correlationClimbs[c], key: key, time: time, within: climb.within)
        }
        let group = zip(inst.groupNames, values).map { GroupValue(field: $0, value: $1) }
        let hit = HitBuilder(program: program, options: options).correlationHit(inst, group: group, entries: entries, value: value,
                                                                               time: time, since: since, occurrence: occurrence)
        if inst.emits {
            out.append(hit)
            stats.hits += 1
        }
        let box = HitBox(hit)
        for (c2, k2) in inst.consumers {
            feed(ci, c2, k2, .hit(box), time: time, order: entries.last?.order ?? arrival, into: &out)
        }
    }

    private func recordClimb(_ history: inout [String: Deque<Int64>], key: String, time: Int64, within: TimeSpan) -> Int {
        var times = history.removeValue(forKey: key) ?? []
        while let f = times.first, f < time &- within.nanoseconds { times.removeFirst() }
        times.append(time)
        let n = times.count
        history[key] = times
        if history.count > options.maxGroupsPerRule {
            // Forget subjects whose last hit is out of the climbing window.
            history = history.filter { $0.value.last.map { $0 >= time &- within.nanoseconds } ?? false }
        }
        return n
    }

    private func detectionHit(_ ci: Int, _ i: Int, _ event: Event) -> Hit? {
        let program = runtimes[ci].program
        let inst = program.detections[i]
        let spec = inst.spec
        var group: [GroupValue] = []
        for f in spec.groupBy {
            group.append(GroupValue(field: f, value: event.value(at: f).flatMap { DetectionEngine.text($0) } ?? ""))
        }
        let t = event.eventTime.nanoseconds
        var occurrence = 1
        if spec.suppress != nil || spec.realert != nil || spec.climb != nil {
            let key = group.map(\.value).joined(separator: "\u{1F}")
            var state = runtimes[ci].subjects[i].removeValue(forKey: key) ?? SubjectState()
            defer {
                runtimes[ci].subjects[i][key] = state
                if runtimes[ci].subjects[i].count > options.maxGroupsPerRule {
                    let horizon = max((spec.suppress ?? .zero).nanoseconds, spec.realert?.nanoseconds ?? 0, spec.climb?.within.nanoseconds ?? 0)
                    runtimes[ci].subjects[i] = runtimes[ci].subjects[i].filter { $0.value.lastActivity >= t &- horizon }
                    stats.groupEvictions += 1
                }
            }
            let suppress = (spec.suppress ?? spec.realert ?? .zero).nanoseconds
            if state.quiet, t <= state.lastActivity &+ suppress {
                state.lastActivity = t
                if let realert = spec.realert, t &- state.lastHit >= realert.nanoseconds {
                    // Remind: fall through to a new hit.
                } else {
                    stats.hitsSuppressed += 1
                    return nil
                }
            }
            state.quiet = spec.suppress != nil || spec.realert != nil
            state.lastActivity = max(state.lastActivity, t)
            state.lastHit = t
            if let climb = spec.climb {
                while let f = state.hitTimes.first, f < t &- climb.within.nanoseconds { state.hitTimes.removeFirst() }
                state.hitTimes.append(t)
                occurrence = state.hitTimes.count
            }
        }
        stats.hits += 1
        return HitBuilder(program: program, options: options).detectionHit(inst, event: event, group: group, occurrence: occurrence)
    }
}

/// Suppression and climbing state of one subject of a detection rule.
struct SubjectState: Sendable {
    var quiet = false
    var lastActivity: Int64 = .min
    var lastHit: Int64 = .min
    var hitTimes: Deque<Int64> = []
}

/// A matched event waiting for the watermark before it enters correlation state.
struct Pending: Comparable, Sendable {
    var time: Int64
    var order: UInt64
    var detection: Int32
    var box: EventBox

    static func < (a: Pending, b: Pending) -> Bool {
        if a.time != b.time { return a.time < b.time }
        if a.order != b.order { return a.order < b.order }
        return a.detection < b.detection
    }

    static func == (a: Pending, b: Pending) -> Bool {
        a.time == b.time && a.order == b.order && a.detection == b.detection
    }
}

/// A deadline: a close-based window ends, or an absence rule's silence is long enough.
struct Timer: Comparable, Sendable {
    var deadline: Int64
    var sequence: UInt64
    var correlation: Int32
    var slot: Int32
    var generation: UInt32

    static func < (a: Timer, b: Timer) -> Bool {
        a.deadline != b.deadline ? a.deadline < b.deadline : a.sequence < b.sequence
    }
}

/// One customer's live state inside an engine.
final class CustomerRuntime {
    var program: CustomerProgram { didSet { correlationRefs = program.correlations.map(Unmanaged.passUnretained) } }
    /// Unretained views of `program.correlations` (which keeps them alive) for the update path.
    private(set) var correlationRefs: [Unmanaged<CorrelationInstance>] = []
    var maxSeen: Int64 = .min
    var watermark: Int64 = .min
    var pending = PendingQueue()
    var timers = Heap<Timer>()
    var timerSequence: UInt64 = 0
    var stores: [GroupStore] { didSet { storeRefs = stores.map(Unmanaged.passUnretained) } }
    /// Unretained views of `stores` (which keeps them alive) for prefetching.
    private(set) var storeRefs: [Unmanaged<GroupStore>] = []
    var correlationClimbs: [[String: Deque<Int64>]]
    var subjects: [[String: SubjectState]]
    /// Matcher slot → this program's detection index (-1: not run for this customer).
    var instanceOfSlot: [Int32]
    var totalGroups = 0

    func group(_ c: Int, _ key: String, now: Int64) -> (Int32, created: Bool) {
        let r = stores[c].slot(for: key, now: now)
        if r.created { totalGroups += 1 }
        return r
    }

    func insertGroup(_ c: Int, _ key: String, hash: UInt32, now: Int64) -> Int32 {
        totalGroups += 1
        return stores[c].insert(key, hash: hash, now: now)
    }

    func removeGroup(_ c: Int, _ s: Int32) {
        guard stores[c].isLive(s) else { return }
        stores[c].remove(s)
        totalGroups -= 1
    }

    init(program: CustomerProgram, instanceOfSlot: [Int32]) {
        self.program = program
        correlationRefs = program.correlations.map(Unmanaged.passUnretained)
        self.instanceOfSlot = instanceOfSlot
        stores = (0..<program.correlations.count).map { _ in GroupStore() }
        storeRefs = stores.map(Unmanaged.passUnretained)
        correlationClimbs = [[String: Deque<Int64>]](repeating: [:], count: program.correlations.count)
        subjects = [[String: SubjectState]](repeating: [:], count: program.detections.count)
    }
}
