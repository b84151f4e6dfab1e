import Metrics

/// The daemon's own health metrics: readiness, start time and the systemd watchdog.
struct DaemonMetrics: Sendable {
    /// `vigil_ready`: 1 while `/readyz` would answer ready, else 0; set at every scrape.
    let ready: Gauge
    /// `vigil_start_time_seconds`: when this process started (Unix seconds); restarts show as changes.
    let startTime: Gauge
    /// `vigil_watchdog_interval_seconds`: how often the health loop pets systemd's watchdog; 0 without one.
    let watchdogInterval: Gauge
    /// `vigil_watchdog_pings_total`: WATCHDOG=1 messages sent.
    let watchdogPings: Counter

    init(factory: any MetricsFactory = MetricsSystem.factory) {
        ready = Gauge(label: "vigil_ready", factory: factory)
        startTime = Gauge(label: "vigil_start_time_seconds", factory: factory)
        watchdogInterval = Gauge(label: "vigil_watchdog_interval_seconds", factory: factory)
        watchdogPings = Counter(label: "vigil_watchdog_pings_total", factory: factory)
    }
}
