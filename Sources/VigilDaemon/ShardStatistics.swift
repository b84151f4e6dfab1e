import Metrics
import VigilDetection

/// Publishes a shard's engine statistics as metrics (counters as deltas, gauges as values).
struct ShardStatistics {
    private let evictions: Counter
    private let late: Counter
    private let withoutPlaybook: Counter
    private let excluded: Counter
    private let suppressed: Counter
    private let liveGroups: Gauge
    private var last = EngineStatistics()

    init(shard: Int) {
        let dims = [("shard", String(shard))]
        evictions = Counter(label: "vigil_detection_group_evictions_total", dimensions: dims)
        late = Counter(label: "vigil_detection_late_events_total", dimensions: dims)
        withoutPlaybook = Counter(label: "vigil_detection_events_without_playbook_total", dimensions: dims)
        excluded = Counter(label: "vigil_detection_events_excluded_total", dimensions: dims)
        suppressed = Counter(label: "vigil_detection_hits_suppressed_total", dimensions: dims)
        liveGroups = Gauge(label: "vigil_detection_live_groups", dimensions: dims)
    }

    mutating func publish(_ s: EngineStatistics) {
        func delta(_ new: UInt64, _ old: UInt64) -> Int64 { Int64(new &- old) }
        evictions.increment(by: delta(s.groupEvictions, last.groupEvictions))
        late.increment(by: delta(s.lateEventsDropped, last.lateEventsDropped))
        withoutPlaybook.increment(by: delta(s.eventsWithoutPlaybook, last.eventsWithoutPlaybook))
        excluded.increment(by: delta(s.eventsExcluded, last.eventsExcluded))
        suppressed.increment(by: delta(s.hitsSuppressed, last.hitsSuppressed))
        liveGroups.record(s.liveGroups)
        last = s
    }
}
