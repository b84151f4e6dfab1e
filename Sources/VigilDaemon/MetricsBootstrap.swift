import Metrics
import Prometheus
import VigilStore

/// One Prometheus registry per process, behind swift-metrics.
public enum MetricsBootstrap {
    public static let registry: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(makeFactory(registry: registry))
        return registry
    }()

    /// The Prometheus factory with Vigil's histogram buckets (page latency: 50 ms to 60 s; others: the defaults).
    public static func makeFactory(registry: PrometheusCollectorRegistry) -> PrometheusMetricsFactory {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets = PagingEngine.histogramBuckets
        return factory
    }
}
