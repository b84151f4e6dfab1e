import Metrics
import Synchronization
import VigilIncidents

/// The sink's metrics (swift-metrics; the daemon bootstraps Prometheus).
///
/// Made with the factory current at creation (`MetricsSystem.factory`, or a task-local one in tests), which also
/// makes the per-customer incident counters later.
struct SinkMetrics: Sendable {
    let applied: Counter
    let duplicates: Counter
    let spooled: Counter
    let replayed: Counter
    let rejected: Counter
    let batches: Counter
    let batchFailures: Counter
    let queueDepth: Gauge
    /// Bytes in the spool file (not yet replayed and replayed-but-not-compacted).
    let spoolBytes: Gauge
    let spoolPendingHits: Gauge
    /// 1 while the spool is above the alarm threshold, else 0.
    let spoolAlarm: Gauge
    /// 1 while the database is unreachable, else 0.
    let databaseDown: Gauge
    let batchDuration: Timer
    /// `vigil_incidents_created_total` / `vigil_incidents_reopened_total` by customer and priority.
    let incidents: IncidentCounters

    init(factory: any MetricsFactory = MetricsSystem.factory) {
        applied = Counter(label: "vigil_incident_hits_applied_total", factory: factory)
        duplicates = Counter(label: "vigil_incident_hits_duplicate_total", factory: factory)
        spooled = Counter(label: "vigil_incident_hits_spooled_total", factory: factory)
        replayed = Counter(label: "vigil_incident_hits_replayed_total", factory: factory)
        rejected = Counter(label: "vigil_incident_hits_rejected_total", factory: factory)
        batches = Counter(label: "vigil_incident_batches_total", factory: factory)
        batchFailures = Counter(label: "vigil_incident_batch_failures_total", factory: factory)
        queueDepth = Gauge(label: "vigil_incident_queue_depth", factory: factory)
        spoolBytes = Gauge(label: "vigil_spool_bytes", factory: factory)
        spoolPendingHits = Gauge(label: "vigil_spool_pending_hits", factory: factory)
        spoolAlarm = Gauge(label: "vigil_spool_alarm", factory: factory)
        databaseDown = Gauge(label: "vigil_incident_database_down", factory: factory)
        batchDuration = Timer(label: "vigil_incident_batch_duration_seconds", preferredDisplayUnit: .seconds, factory: factory)
        incidents = IncidentCounters(factory: factory)
    }
}

/// Counts incidents the sink created, by customer and priority (P1–P5). Customers come from the configuration, so the
/// label set stays bounded; every priority of a customer is created at once, so each series starts at 0.
final class IncidentCounters: Sendable {
    static let createdLabel = "vigil_incidents_created_total"
    static let reopenedLabel = "vigil_incidents_reopened_total"

    private struct Pair: Sendable {
        var created: Counter
        var reopened: Counter
    }

    private let factory: any MetricsFactory
    private let byCustomer = Mutex<[String: [Priority: Pair]]>([:])

    init(factory: any MetricsFactory) {
        self.factory = factory
    }

    /// Counts one new incident row; `reopened` when it follows a closed incident of the same dedup key.
    func created(customer: String, priority: Priority, reopened: Bool) {
        let pair = byCustomer.withLock { cache -> Pair in
            if let counters = cache[customer] { return counters[priority]! }
            var counters: [Priority: Pair] = [:]
            for p in Priority.allCases {
                let dims = [("customer", customer), ("priority", p.label)]
                counters[p] = Pair(created: Counter(label: Self.createdLabel, dimensions: dims, factory: factory),
                                   reopened: Counter(label: Self.reopenedLabel, dimensions: dims, factory: factory))
            }
            cache[customer] = counters
            return counters[priority]!
        }
        pair.created.increment()
        if reopened { pair.reopened.increment() }
    }
}
