import Metrics
import Synchronization
import VigilEvents

/// The ingest counters, by listener, customer and reason; created once and cached.
public final class IngestMetrics: Sendable {
    public struct Key: Hashable, Sendable {
        public var listener: String
        public var customer: String
    }

    /// Counters for one listener × customer.
    public final class Counters: Sendable {
        public let received: Counter
        public let parsed: Counter
        public let oversize: Counter
        public let truncated: Counter
        public let rejectedClaims: Counter
        private let malformed: Mutex<[String: Counter]>
        private let key: Key

        init(key: Key) {
            self.key = key
            let dims = [("listener", key.listener), ("customer", key.customer)]
            received = Counter(label: "vigil_ingest_received_total", dimensions: dims)
            parsed = Counter(label: "vigil_ingest_parsed_total", dimensions: dims)
            oversize = Counter(label: "vigil_ingest_oversize_total", dimensions: dims)
            truncated = Counter(label: "vigil_ingest_truncated_total", dimensions: dims)
            rejectedClaims = Counter(label: "vigil_ingest_rejected_customer_claims_total", dimensions: dims)
            malformed = Mutex([:])
        }

        public func malformed(reason: String) -> Counter {
            malformed.withLock { cache in
                if let c = cache[reason] { return c }
                let c = Counter(label: "vigil_ingest_malformed_total",
                                dimensions: [("listener", key.listener), ("customer", key.customer), ("reason", reason)])
                cache[reason] = c
                return c
            }
        }
    }

    private let counters = Mutex<[Key: Counters]>([:])
    private let rejected = Mutex<[String: Counter]>([:])
    private let active = Mutex<[String: Gauge]>([:])

    public init() {}

    public func counters(listener: String, customer: CustomerID) -> Counters {
        let key = Key(listener: listener, customer: customer.rawValue)
        return counters.withLock { cache in
            if let c = cache[key] { return c }
            let c = Counters(key: key)
            cache[key] = c
            return c
        }
    }

    /// Connections refused or closed by policy: `max_connections`, `max_per_source`, `unbound_source`,
    /// `unbound_certificate`, `tls_handshake`, `idle_timeout`.
    public func connectionRejected(listener: String, reason: String) {
        rejected.withLock { cache in
            let k = listener + "\u{0}" + reason
            if cache[k] == nil {
                cache[k] = Counter(label: "vigil_connections_rejected_total", dimensions: [("listener", listener), ("reason", reason)])
            }
            return cache[k]!
        }.increment()
    }

    public func activeConnections(listener: String) -> Gauge {
        active.withLock { cache in
            if let g = cache[listener] { return g }
            let g = Gauge(label: "vigil_connections_active", dimensions: [("listener", listener)])
            cache[listener] = g
            return g
        }
    }
}
