import DequeModule
import Synchronization

/// A FIFO for many producers and one consumer. `send` suspends while the queue is full, so a slow
/// consumer slows the producers instead of losing elements.
final class BoundedQueue<Element: Sendable>: Sendable {
    private struct State: ~Copyable {
        var buffer: Deque<Element> = []
        var waitingProducers: Deque<(Element, CheckedContinuation<Void, Never>)> = []
        var consumer: CheckedContinuation<Element?, Never>?
        var finished = false
    }

    private enum SendDecision { case done, resume(CheckedContinuation<Element?, Never>), wait }
    private enum WaitOutcome { case handedOver(CheckedContinuation<Element?, Never>), enqueued, parked }
    private enum NextDecision { case value(Element?, CheckedContinuation<Void, Never>?), wait }

    private let state = Mutex(State())
    let capacity: Int

    init(capacity: Int) {
        precondition(capacity > 0)
        self.capacity = capacity
    }

    var count: Int { state.withLock { $0.buffer.count + $0.waitingProducers.count } }

    /// Enqueues `element`, waiting for room. After `finish()` elements are still accepted and drained.
    func send(_ element: Element) async {
        let decision: SendDecision = state.withLock { s in
            if let consumer = s.consumer {
                s.consumer = nil
                return .resume(consumer)
            }
            if s.buffer.count < capacity || s.finished {
                s.buffer.append(element)
                return .done
            }
            return .wait
        }
        switch decision {
        case .done:
            return
        case .resume(let consumer):
            consumer.resume(returning: element)
        case .wait:
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                // Re-check under the lock: the consumer may have made room meanwhile.
                let outcome: WaitOutcome = state.withLock { s in
                    if let consumer = s.consumer {
                        s.consumer = nil
                        return .handedOver(consumer)
                    }
                    if s.buffer.count < capacity || s.finished {
                        s.buffer.append(element)
                        return .enqueued
                    }
                    s.waitingProducers.append((element, continuation))
                    return .parked
                }
                switch outcome {
                case .handedOver(let consumer):
                    consumer.resume(returning: element)
                    continuation.resume()
                case .enqueued:
                    continuation.resume()
                case .parked:
                    break
                }
            }
        }
    }

    /// The next element, or nil once finished and drained.
    func next() async -> Element? {
        await withCheckedContinuation { (continuation: CheckedContinuation<Element?, Never>) in
            let decision: NextDecision = state.withLock { s in
                if let first = s.buffer.popFirst() {
                    var producer: CheckedContinuation<Void, Never>?
                    if let (element, waiting) = s.waitingProducers.popFirst() {
                        s.buffer.append(element)
                        producer = waiting
                    }
                    return .value(first, producer)
                }
                if let (element, waiting) = s.waitingProducers.popFirst() {
                    return .value(element, waiting)
                }
                if s.finished { return .value(nil, nil) }
                s.consumer = continuation
                return .wait
            }
            if case .value(let element, let producer) = decision {
                producer?.resume()
                continuation.resume(returning: element)
            }
        }
    }

    /// No more waiting: producers are let through and the consumer drains what is left, then gets nil.
    func finish() {
        let (consumer, producers): (CheckedContinuation<Element?, Never>?, [CheckedContinuation<Void, Never>]) = state.withLock { s in
            s.finished = true
            let producers = s.waitingProducers.map(\.1)
            s.buffer.append(contentsOf: s.waitingProducers.map(\.0))
            s.waitingProducers.removeAll()
            let consumer = s.buffer.isEmpty ? s.consumer : nil
            if consumer != nil { s.consumer = nil }
            return (consumer, producers)
        }
        for p in producers { p.resume() }
        consumer?.resume(returning: nil)
    }
}
