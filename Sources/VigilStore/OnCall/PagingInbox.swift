import Synchronization

/// What woke the paging engine, collected between two rounds of work, plus the wake-up signal itself.
///
/// Notifications, the alarm for the next due time and tests all call `wake()`; signals coalesce (one pending
/// wake-up at most), so the engine never polls and never falls behind by more than one round.
final class PagingInbox: Sendable {
    struct Work: Sendable {
        var incidents: Set<Int64> = []
        var configChanged = false
        var sweep = false
    }

    private let pending = Mutex(Work())
    private let alarm = Mutex<Task<Void, Never>?>(nil)
    let wakes: AsyncStream<Void>
    private let continuation: AsyncStream<Void>.Continuation

    init() {
        (wakes, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    func incident(_ id: Int64) {
        pending.withLock { _ = $0.incidents.insert(id) }
        wake()
    }

    /// Queues an incident for the next round without waking (after a failure; the alarm retries).
    func incidentLater(_ id: Int64) {
        pending.withLock { _ = $0.incidents.insert(id) }
    }

    func configChanged() {
        pending.withLock { $0.configChanged = true }
        wake()
    }

    func requestSweep() {
        pending.withLock { $0.sweep = true }
        wake()
    }

    func wake() { continuation.yield() }

    /// Everything collected since the last call.
    func take() -> Work { pending.withLock { w in defer { w = Work() }; return w } }

    /// Wakes the engine after `delay` (real time: only when to look again, never what to decide), replacing the previous alarm.
    func setAlarm(after delay: Duration) {
        let task = Task { [weak self] in
            try? await Task.sleep(for: delay)
            if !Task.isCancelled { self?.wake() }
        }
        alarm.withLock { old in
            old?.cancel()
            old = task
        }
    }

    func finish() {
        alarm.withLock { $0?.cancel() }
        continuation.finish()
    }
}
