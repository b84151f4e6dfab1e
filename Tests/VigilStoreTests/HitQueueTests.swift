import Testing
import VigilIncidents
@testable import VigilStore

@Suite("Hit queue")
struct HitQueueTests {
    func hits(_ n: Int) -> [DetectedHit] { (0..<n).map { _ in Fixtures.detected(Fixtures.hit()) } }

    @Test("takes in arrival order, in batches up to the maximum")
    func order() async throws {
        let queue = HitQueue(capacity: 100)
        let a = hits(3), b = hits(4)
        try await queue.push(a)
        try await queue.push(b)
        let first = await queue.take(max: 5)
        let second = await queue.take(max: 5)
        #expect(first?.map(\.hit.id) == (a + b)[0..<5].map(\.hit.id))
        #expect(second?.map(\.hit.id) == (a + b)[5...].map(\.hit.id))
    }

    @Test("a full queue suspends the producer until the consumer makes room")
    func backpressure() async throws {
        let queue = HitQueue(capacity: 4)
        try await queue.push(hits(4))
        let admitted = Task { try await queue.push(hits(2)) }
        // The producer cannot get in while full.
        for _ in 0..<50 { await Task.yield() }
        #expect(queue.depth == 4)
        let taken = await queue.take(max: 3)
        #expect(taken?.count == 3)
        try await admitted.value
        #expect(queue.depth == 3)
    }

    @Test("a push larger than the capacity gets in when the queue is empty")
    func oversized() async throws {
        let queue = HitQueue(capacity: 2)
        try await queue.push(hits(5))
        #expect(queue.depth == 5)
    }

    @Test("finish drains what is left, then take returns nil; later pushes fail")
    func finish() async throws {
        let queue = HitQueue(capacity: 10)
        try await queue.push(hits(2))
        queue.finish()
        #expect(await queue.take(max: 10)?.count == 2)
        #expect(await queue.take(max: 10) == nil)
        await #expect(throws: StoreError.self) { try await queue.push(self.hits(1)) }
    }

    @Test("a waiting consumer wakes on push")
    func wake() async throws {
        let queue = HitQueue(capacity: 10)
        let consumer = Task { await queue.take(max: 10) }
        for _ in 0..<20 { await Task.yield() }
        try await queue.push(hits(1))
        #expect(await consumer.value?.count == 1)
    }

    @Test("a cancelled waiting producer throws and leaves nothing behind")
    func cancelProducer() async throws {
        let queue = HitQueue(capacity: 1)
        try await queue.push(hits(1))
        let producer = Task { try await queue.push(hits(1)) }
        for _ in 0..<20 { await Task.yield() }
        producer.cancel()
        await #expect(throws: CancellationError.self) { try await producer.value }
        #expect(await queue.take(max: 10)?.count == 1)
        #expect(queue.tryTake(max: 10) == nil)
    }
}
