import Testing
@testable import VigilDetection

/// The group store's parts against plain Swift collections on seeded random operations.
@Suite("Group store: slot table and recency queue")
struct GroupStoreTests {
    @Test("SlotTable agrees with a dictionary under inserts and removals, with colliding hashes")
    func slotTableMatchesDictionary() {
        var rng = SplitMix64(seed: 11)
        var table = SlotTable()
        var reference: [Int32: UInt32] = [:]  // slot → hash
        var live: [Int32] = []  // the reference's slots, in an order the seed decides (reproducible)
        // Few distinct hashes, so probe runs are long and wrap around the table's end.
        let hashes: [UInt32] = [0, 1, 15, 16, 17, 0xFFFF_FFFF, 0x8000_0000, 31]
        var nextSlot: Int32 = 0
        for _ in 0..<20_000 {
            if reference.isEmpty || Int.random(in: 0..<10, using: &rng) < 6 {
                let h = hashes.randomElement(using: &rng)!
                table.insert(h, slot: nextSlot)
                reference[nextSlot] = h
                live.append(nextSlot)
                nextSlot += 1
            } else {
                let i = Int.random(in: 0..<live.count, using: &rng)
                let slot = live[i]
                live.swapAt(i, live.count - 1)
                live.removeLast()
                let h = reference[slot]!
                table.remove(h, slot: slot)
                reference[slot] = nil
            }
            #expect(table.count == reference.count)
        }
        for (slot, h) in reference {
            #expect(table.find(h) { $0 == slot } == slot)
        }
        for h in hashes {
            var seen: [Int32] = []
            _ = table.find(h) { seen.append($0); return false }
            #expect(Set(seen) == Set(reference.filter { $0.value == h }.keys), "hash \(h)")
        }
    }

    @Test("RecencyQueue keeps order across wrap-around, growth and in-place compaction")
    func recencyQueueOrder() {
        var q = RecencyQueue()
        var reference: [RecencyQueue.Entry] = []
        var rng = SplitMix64(seed: 5)
        var time: Int64 = 0
        for _ in 0..<5_000 {
            switch Int.random(in: 0..<10, using: &rng) {
            case 0..<6:
                time += 1
                let e = RecencyQueue.Entry(time: time, slot: Int32.random(in: 0..<50, using: &rng), generation: 0)
                q.append(e)
                reference.append(e)
            case 6..<9:
                q.removeFirst()
                if !reference.isEmpty { reference.removeFirst() }
            default:
                q.compact { $0.slot % 3 != 0 }
                reference.removeAll { $0.slot % 3 == 0 }
            }
            #expect(q.first == reference.first)
        }
        #expect(q.entries == reference)
    }

    @Test("GroupStore finds, evicts least recently touched first, and reuses removed slots")
    func storeRecency() {
        let store = GroupStore()
        for i in 0..<100 { _ = store.slot(for: "k\(i)", now: Int64(i)) }
        #expect(store.count == 100)
        // Touch the first ten again: the oldest is now k10.
        for i in 0..<10 { _ = store.slot(for: "k\(i)", now: 1000 + Int64(i)) }
        #expect(store.oldest.map(store.key) == "k10")
        let s10 = store.find("k10", hash: store.hash("k10"))!
        store.remove(s10)
        #expect(store.find("k10", hash: store.hash("k10")) == nil)
        #expect(store.oldest.map(store.key) == "k11")
        let (reused, created) = store.slot(for: "new", now: 2000)
        #expect(created && reused == s10)
        #expect(store.count == 100)
        // Many touches force compactions; every key stays findable and the order holds.
        for round in 0..<50 {
            for i in 11..<100 { _ = store.slot(for: "k\(i)", now: 3000 + Int64(round * 100 + i)) }
        }
        #expect(store.oldest.map(store.key) == "k0")
        for i in 0..<100 where i != 10 {
            #expect(store.find("k\(i)", hash: store.hash("k\(i)")) != nil)
        }
    }
}

extension GroupStoreTests {
    @Test("Scheduling a timer does not hide a group from expiry and eviction")
    func timerBumpKeepsRecency() {
        let store = GroupStore()
        let (a, _) = store.slot(for: "a", now: 1)
        _ = store.slot(for: "b", now: 2)
        let before = store.timerGeneration(a)
        store.bumpTimerGeneration(a)
        #expect(store.timerGeneration(a) != before)
        #expect(store.oldest == a)
        store.remove(a)
        #expect(store.timerGeneration(a) != before &+ 1, "removal invalidates timers too")
        #expect(store.oldest.map(store.key) == "b")
    }

    @Test("Group keys are equal when their UTF-8 bytes are: canonically equivalent spellings are two groups")
    func byteExactKeys() {
        let store = GroupStore()
        let composed = "jos\u{E9}"  // é as one scalar
        let decomposed = "jose\u{301}"  // e + combining acute
        #expect(composed == decomposed)  // Swift's == would merge them
        let (s1, created1) = store.slot(for: composed, now: 1)
        let (s2, created2) = store.slot(for: decomposed, now: 2)
        #expect(created1 && created2 && s1 != s2)
        #expect(store.find(composed, hash: store.hash(composed)) == s1)
        #expect(store.find(decomposed, hash: store.hash(decomposed)) == s2)
    }

    @Test("sameBytes: small and large, equal and not, canonically equivalent spellings")
    func sameBytes() {
        let long = String(repeating: "host-", count: 8)
        #expect(GroupStore.sameBytes("10.0.0.1", "10.0.0.1"))
        #expect(!GroupStore.sameBytes("10.0.0.1", "10.0.0.2"))
        #expect(GroupStore.sameBytes(long, String(repeating: "host-", count: 8)))  // two storages, same bytes
        #expect(!GroupStore.sameBytes(long, String(repeating: "host-", count: 7) + "host_"))  // same length
        #expect(!GroupStore.sameBytes(long, long + "x"))
        #expect(!GroupStore.sameBytes("jos\u{E9}", "jose\u{301}"))
        #expect(GroupStore.sameBytes("", ""))
        #expect(!GroupStore.sameBytes("", "a"))
    }

    @Test("Prefetch hints stay beside their pending items through out-of-order inserts and pops")
    func pendingHintsStayAligned() {
        var queue = PendingQueue()
        let box = WindowLayoutTests.box(0)
        var rng = SplitMix64(seed: 9)
        var popped: [UInt64] = []
        for n in 0..<500 {
            let time = Int64.random(in: 0..<100, using: &rng)  // late items take the sorted-insert path
            queue.push(Pending(time: time, order: UInt64(n), detection: 0, box: box),
                       hint: PrefetchHint(correlation: 0, hash: UInt32(n), box: 0))
            if Int.random(in: 0..<3, using: &rng) == 0, let p = queue.pop() { popped.append(p.order) }
            #expect((0...queue.count).map { queue.hint(at: $0)?.hash } == queue.items.map { UInt32($0.order) } + [nil])
        }
        #expect(popped.count > 100)
    }
}

@Suite("Group hash")
struct GroupHashTests {
    @Test("Equal keys hash equally; 100k similar keys spread over 32 bits; keys are per table")
    func spread() {
        let h = GroupHash(k0: 1, k1: 2)
        #expect(h("10.0.0.1") == h(String("10.0.0.1".reversed().reversed())))
        #expect(h("abcdefgh1") != h("abcdefgh2"))  // differs after the first 8-byte word
        #expect(h("") != h("\u{0}"))  // length counts
        var seen = Set<UInt32>()
        for k in 0..<100_000 { seen.insert(h("10.\(k / 65536).\(k / 256 % 256).\(k % 256)")) }
        #expect(seen.count > 99_990)
        // Low bits pick the bucket: they must spread too.
        let low = Set(seen.map { $0 & 0x3FFFF })
        #expect(low.count > 80_000)
        #expect(GroupHash(k0: 1, k1: 2)("user") != GroupHash(k0: 3, k1: 4)("user"))
    }
}
