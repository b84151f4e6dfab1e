import Metrics

/// The sink's metrics (swift-metrics; the daemon bootstraps Prometheus).
struct SinkMetrics: Sendable {
    let applied = Counter(label: "vigil_incident_hits_applied_total")
    let duplicates = Counter(label: "vigil_incident_hits_duplicate_total")
    let spooled = Counter(label: "vigil_incident_hits_spooled_total")
    let replayed = Counter(label: "vigil_incident_hits_replayed_total")
    let rejected = Counter(label: "vigil_incident_hits_rejected_total")
    let batches = Counter(label: "vigil_incident_batches_total")
    let batchFailures = Counter(label: "vigil_incident_batch_failures_total")
    let queueDepth = Gauge(label: "vigil_incident_queue_depth")
    /// Bytes in the spool file (not yet replayed and replayed-but-not-compacted).
    let spoolBytes = Gauge(label: "vigil_spool_bytes")
    let spoolPendingHits = Gauge(label: "vigil_spool_pending_hits")
    /// 1 while the spool is above the alarm threshold, else 0.
    let spoolAlarm = Gauge(label: "vigil_spool_alarm")
    /// 1 while the database is unreachable, else 0.
    let databaseDown = Gauge(label: "vigil_incident_database_down")
    let batchDuration = Timer(label: "vigil_incident_batch_duration_seconds", preferredDisplayUnit: .seconds)
}
