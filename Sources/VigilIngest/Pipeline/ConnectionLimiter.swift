import Synchronization
import VigilEvents

/// Counts open connections in total and per source address; refuses those over the limits.
public final class ConnectionLimiter: Sendable {
    public enum Refusal: String, Sendable {
        case total = "max_connections"
        case perSource = "max_per_source"
    }

    private struct State {
        var total = 0
        var bySource: [String: Int] = [:]
    }

    private let state = Mutex(State())
    private let limits: Mutex<(total: Int, perSource: Int)>

    public init(maxConnections: Int, maxPerSource: Int) {
        limits = Mutex((maxConnections, maxPerSource))
    }

    public func update(maxConnections: Int, maxPerSource: Int) {
        limits.withLock { $0 = (maxConnections, maxPerSource) }
    }

    /// Takes a slot for `source`, or says why not.
    public func acquire(source: String) -> Refusal? {
        let (maxTotal, maxPerSource) = limits.withLock { $0 }
        return state.withLock { s in
            if s.total >= maxTotal { return .total }
            if s.bySource[source, default: 0] >= maxPerSource { return .perSource }
            s.total += 1
            s.bySource[source, default: 0] += 1
            return nil
        }
    }

    public func release(source: String) {
        state.withLock { s in
            s.total -= 1
            let n = s.bySource[source, default: 1] - 1
            s.bySource[source] = n > 0 ? n : nil
        }
    }

    public var openConnections: Int { state.withLock { $0.total } }
}
