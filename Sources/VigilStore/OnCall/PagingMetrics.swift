import Metrics
import VigilEvents
import VigilOnCall

/// The paging engine's metrics for `/metrics`. Every channel × outcome series exists from the start (at 0), so
/// `increase()` in alert rules sees the first failure.
///
/// Made with the factory current at creation (`MetricsSystem.factory`, or a task-local one in tests).
struct PagingMetrics: Sendable {
    static let pagesLabel = "vigil_paging_pages_total"
    static let latencyLabel = "vigil_paging_page_latency_seconds"
    /// Histogram buckets for ``latencyLabel``: 50 ms to a minute (the daemon's Prometheus factory uses them).
    static let latencyBuckets: [Duration] = [
        .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2),
        .seconds(5), .seconds(10), .seconds(20), .seconds(30), .seconds(60),
    ]

    let escalations: Counter
    private let pages: [ContactKind: [Outcome: Counter]]
    private let latency: [ContactKind: Timer]

    /// The `outcome` label values.
    enum Outcome: String, CaseIterable, Sendable {
        case delivered
        case retryableFailure = "retryable_failure"
        case permanentFailure = "permanent_failure"

        init(_ outcome: DeliveryOutcome) {
            switch outcome {
            case .delivered: self = .delivered
            case .retryableFailure: self = .retryableFailure
            case .permanentFailure: self = .permanentFailure
            }
        }
    }

    init(factory: any MetricsFactory = MetricsSystem.factory) {
        escalations = Counter(label: "vigil_paging_escalations_started_total", factory: factory)
        var pages: [ContactKind: [Outcome: Counter]] = [:]
        var latency: [ContactKind: Timer] = [:]
        for kind in ContactKind.allCases {
            for outcome in Outcome.allCases {
                pages[kind, default: [:]][outcome] = Counter(label: Self.pagesLabel,
                                                             dimensions: [("channel", kind.rawValue), ("outcome", outcome.rawValue)],
                                                             factory: factory)
            }
            latency[kind] = Timer(label: Self.latencyLabel, dimensions: [("channel", kind.rawValue)],
                                  preferredDisplayUnit: .seconds, factory: factory)
        }
        self.pages = pages
        self.latency = latency
    }

    /// `vigil_paging_pages_total{channel, outcome}`.
    func pages(_ channel: ContactKind, _ outcome: DeliveryOutcome) -> Counter {
        pages[channel]![Outcome(outcome)]!
    }

    /// `vigil_paging_page_latency_seconds{channel}`: from when the page was owed to when its send began (never negative).
    func recordLatency(_ channel: ContactKind, owedSince: Timestamp, sendStarted: Timestamp) {
        latency[channel]!.recordNanoseconds(max(0, (sendStarted - owedSince).nanoseconds))
    }
}
