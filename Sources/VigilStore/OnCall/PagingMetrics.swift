import Metrics
import VigilOnCall

/// Counters for `/metrics`.
struct PagingMetrics: Sendable {
    let escalations = Counter(label: "vigil_paging_escalations_started_total")
    private let delivered = Counter(label: "vigil_paging_pages_total", dimensions: [("outcome", "delivered")])
    private let retryable = Counter(label: "vigil_paging_pages_total", dimensions: [("outcome", "retryable_failure")])
    private let permanent = Counter(label: "vigil_paging_pages_total", dimensions: [("outcome", "permanent_failure")])

    func pages(_ outcome: DeliveryOutcome) -> Counter {
        switch outcome {
        case .delivered: delivered
        case .retryableFailure: retryable
        case .permanentFailure: permanent
        }
    }
}
