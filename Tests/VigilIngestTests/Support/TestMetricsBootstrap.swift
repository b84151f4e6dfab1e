import Metrics
import MetricsTestKit

/// swift-metrics can be bootstrapped once per process; every test shares this recorder.
enum TestMetricsBootstrap {
    static let metrics: TestMetrics = {
        let metrics = TestMetrics()
        MetricsSystem.bootstrap(metrics)
        return metrics
    }()

    /// The total of a counter, 0 when it was never created.
    static func total(_ label: String, _ dimensions: [(String, String)]) -> Int64 {
        metrics.counters(label: label, dimensions: dimensions).reduce(0) { $0 + $1.totalValue }
    }
}
