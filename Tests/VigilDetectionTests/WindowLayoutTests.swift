import DequeModule
import Testing
import VigilEvents
@testable import VigilDetection

/// The raw layout reads behind the correlation prefetch hints, checked against the real objects: if a
/// dependency changes its layout, this fails (the hints would silently stop helping, never misbehave).
@Suite("Window layout for prefetch hints")
struct WindowLayoutTests {
    static func box(_ n: Int) -> EventBox {
        var f = Fields(minimumCapacity: 1)
        f.append("source.ip", .string("10.0.0.\(n)"))
        let t = Timestamp(nanoseconds: Int64(n))
        return EventBox(Event(customer: "c", eventTime: t, receivedTime: t, format: .json, fields: f))
    }

    static func entry(_ box: EventBox, _ n: Int) -> WindowEntry {
        WindowEntry(Occurrence(time: Int64(n), start: Int64(n), order: UInt64(n), stage: 0, number: 0, valueKey: nil, payload: .event(box)))
    }

    @Test("The front entry's event box and its fields are found where the raw reads look")
    func frontEventAndFields() {
        let boxes = (0..<6).map(WindowLayoutTests.box)
        var window: Deque<WindowEntry> = []
        window.reserveCapacity(4)
        for n in 0..<3 { window.append(WindowLayoutTests.entry(boxes[n], n)) }
        _ = window.popFirst()
        _ = window.popFirst()  // the front is now at slot 2, not 0
        for n in 3..<5 { window.append(WindowLayoutTests.entry(boxes[n], n)) }  // wraps around
        let storage = UnsafeRawPointer(bitPattern: unsafeBitCast(window, to: UInt.self))!
        #expect(WindowLayout.frontEventBox(storage) == UnsafeRawPointer(Unmanaged.passUnretained(boxes[2]).toOpaque()))
        let fieldsBits = unsafeBitCast(boxes[2].event.fields, to: UInt.self)
        #expect(WindowLayout.fieldsStorage(UnsafeRawPointer(Unmanaged.passUnretained(boxes[2]).toOpaque())) == UnsafeRawPointer(bitPattern: fieldsBits))
        // A chained hit at the front is not an event: no box to follow.
        var hits: Deque<WindowEntry> = []
        let hit = Hit(ruleID: "r", ruleTitle: "r", customer: "c", level: .high, group: [], evidence: [], firstTime: .init(nanoseconds: 0),
                      lastTime: .init(nanoseconds: 0), count: 1, summary: "")
        hits.append(WindowEntry(Occurrence(time: 0, start: 0, order: 0, stage: 0, number: 0, valueKey: nil, payload: .hit(HitBox(hit)))))
        #expect(WindowLayout.frontEventBox(UnsafeRawPointer(bitPattern: unsafeBitCast(hits, to: UInt.self))!) == nil)
        withExtendedLifetime((window, hits, boxes)) {}
    }

    @Test("A store hands out the window storage of the group filed under a hash, and nothing for absent keys")
    func storeWindowStorage() {
        let store = GroupStore()
        let (s, _) = store.slot(for: "10.0.0.1", now: 1)
        // An empty window: its storage (possibly a shared empty one) holds no front event.
        if let empty = store.windowStorage(store.hash("10.0.0.1")) { #expect(WindowLayout.frontEventBox(empty) == nil) }
        store.groups[Int(s)].state.entries.append(WindowLayoutTests.entry(WindowLayoutTests.box(1), 1))
        let bits = unsafeBitCast(store.groups[Int(s)].state.entries, to: UInt.self)
        #expect(store.windowStorage(store.hash("10.0.0.1")) == UnsafeRawPointer(bitPattern: bits))
        #expect(store.windowStorage(store.hash("10.0.0.2")) == nil)
        store.remove(s)
        #expect(store.windowStorage(store.hash("10.0.0.1")) == nil)
    }
}
