import Synchronization
import VigilIncidents

/// A bounded multi-producer, single-consumer queue of hits.
///
/// `push` suspends while the queue is full (backpressure reaches the detection shards, then the sockets);
/// a push larger than the capacity is let in when the queue is empty, so it cannot wait forever.
/// Producers are let in first come, first served.
final class HitQueue: Sendable {
    private struct Producer {
        var id: UInt64
        var count: Int
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var chunks: [[DetectedHit]] = []
        var head = 0
        var headOffset = 0
        var count = 0
        /// Room promised to admitted producers that have not appended yet.
        var reserved = 0
        var finished = false
        var consumer: CheckedContinuation<Void, Never>?
        var producers: [Producer] = []
        var nextID: UInt64 = 0
    }

    let capacity: Int
    private let state = Mutex(State())

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    var depth: Int { state.withLock { $0.count } }

    /// Adds hits, waiting for room; throws when the queue is finished or the task is cancelled while waiting.
    func push(_ hits: [DetectedHit]) async throws {
        guard !hits.isEmpty else { return }
        let id: UInt64? = try state.withLock { s in
            if s.finished { throw StoreError(.shutDown, "the incident sink is shut down") }
            if s.producers.isEmpty && (s.count + s.reserved + hits.count <= capacity || s.count + s.reserved == 0) {
                append(hits, to: &s)
                return nil
            }
            s.nextID += 1
            return s.nextID
        }
        guard let id else { return }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let resume: CheckedContinuation<Void, any Error>? = state.withLock { s in
                    if s.finished { return continuation }
                    if Task.isCancelled { return continuation }
                    s.producers.append(Producer(id: id, count: hits.count, continuation: continuation))
                    return nil
                }
                if let resume {
                    resume.resume(throwing: Task.isCancelled ? CancellationError() : StoreError(.shutDown, "the incident sink is shut down"))
                }
            }
        } onCancel: {
            let waiting = state.withLock { s -> CheckedContinuation<Void, any Error>? in
                guard let i = s.producers.firstIndex(where: { $0.id == id }) else { return nil }
                return s.producers.remove(at: i).continuation
            }
            waiting?.resume(throwing: CancellationError())
        }
        // Admitted: the consumer reserved room for us.
        state.withLock { s in
            s.reserved -= hits.count
            append(hits, to: &s)
        }
        wakeConsumer()
    }

    private func append(_ hits: [DetectedHit], to s: inout State) {
        s.chunks.append(hits)
        s.count += hits.count
        if let consumer = s.consumer {
            s.consumer = nil
            consumer.resume()
        }
    }

    private func wakeConsumer() {
        let consumer = state.withLock { s -> CheckedContinuation<Void, Never>? in
            defer { s.consumer = nil }
            return s.count > 0 || s.finished ? s.consumer : nil
        }
        consumer?.resume()
    }

    /// Takes up to `max` hits, waiting while empty. Returns nil once finished and drained,
    /// and an empty array when the waiting task is cancelled.
    func take(max: Int) async -> [DetectedHit]? {
        while true {
            if let taken = tryTake(max: max) { return taken }
            if state.withLock({ $0.finished && $0.count == 0 }) { return nil }
            if Task.isCancelled { return [] }
            await withTaskCancellationHandler {
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    let ready = state.withLock { s -> Bool in
                        if s.count > 0 || s.finished || Task.isCancelled { return true }
                        s.consumer = continuation
                        return false
                    }
                    if ready { continuation.resume() }
                }
            } onCancel: {
                let waiting = state.withLock { s -> CheckedContinuation<Void, Never>? in
                    defer { s.consumer = nil }
                    return s.consumer
                }
                waiting?.resume()
            }
            if Task.isCancelled, state.withLock({ $0.count == 0 }) { return [] }
        }
    }

    /// Takes what is there without waiting; nil when empty.
    func tryTake(max: Int) -> [DetectedHit]? {
        let (taken, admitted) = state.withLock { s -> ([DetectedHit]?, [CheckedContinuation<Void, any Error>]) in
            guard s.count > 0 else { return (nil, []) }
            var out: [DetectedHit] = []
            out.reserveCapacity(Swift.min(max, s.count))
            while out.count < max, s.head < s.chunks.count {
                let chunk = s.chunks[s.head]
                let available = chunk.count - s.headOffset
                let n = Swift.min(available, max - out.count)
                out.append(contentsOf: chunk[s.headOffset..<(s.headOffset + n)])
                s.headOffset += n
                if s.headOffset == chunk.count {
                    s.head += 1
                    s.headOffset = 0
                }
            }
            s.count -= out.count
            if s.head > 64 || s.head == s.chunks.count {
                s.chunks.removeFirst(s.head)
                s.head = 0
            }
            // Let waiting producers in, in order, while they fit (reserving their room now).
            var admitted: [CheckedContinuation<Void, any Error>] = []
            while let first = s.producers.first, s.count + s.reserved + first.count <= capacity || s.count + s.reserved == 0 {
                s.reserved += first.count
                admitted.append(s.producers.removeFirst().continuation)
            }
            return (out, admitted)
        }
        for continuation in admitted { continuation.resume() }
        return taken
    }

    /// No more pushes; waiting producers fail, the consumer drains what is left.
    func finish() {
        let (producers, consumer) = state.withLock { s -> ([CheckedContinuation<Void, any Error>], CheckedContinuation<Void, Never>?) in
            s.finished = true
            let p = s.producers.map(\.continuation)
            s.producers = []
            defer { s.consumer = nil }
            return (p, s.consumer)
        }
        for p in producers { p.resume(throwing: StoreError(.shutDown, "the incident sink is shut down")) }
        consumer?.resume()
    }
}
