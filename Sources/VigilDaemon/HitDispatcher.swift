import Logging
import Metrics
import Synchronization
import VigilDetection
import VigilStore

/// Where a shard's hits go: the log, `--print-hits`, the metrics, and the incident sink.
final class HitDispatcher: Sendable {
    private let sink: IncidentSink?
    private let printer: JSONLinePrinter?
    private let logger: Logger
    private let counters = Mutex<[String: Counter]>([:])

    init(sink: IncidentSink?, printer: JSONLinePrinter?, logger: Logger) {
        self.sink = sink
        self.printer = printer
        self.logger = logger
    }

    /// Suspends while the incident sink is full, which in turn slows the shard and then the listeners.
    func dispatch(_ hits: [Hit]) async {
        guard !hits.isEmpty else { return }
        for hit in hits {
            counter(hit).increment()
            logger.info("hit", metadata: [
                "rule": "\(hit.ruleID)", "customer": "\(hit.customer)", "level": "\(hit.level.rawValue)",
                "count": "\(hit.count)", "summary": "\(hit.summary)",
            ])
        }
        printer?.write { w in
            for hit in hits {
                w.raw(HitJSON.line(hit))
                w.bytes.append(UInt8(ascii: "\n"))
            }
        }
        guard let sink else { return }
        do {
            try await sink.submit(hits)
        } catch {
            logger.error("incident sink refused hits", metadata: ["error": "\(error)", "hits": "\(hits.count)"])
        }
    }

    private func counter(_ hit: Hit) -> Counter {
        let key = hit.customer.rawValue + "\u{0}" + hit.ruleID + "\u{0}" + hit.level.rawValue
        return counters.withLock { cache in
            if let c = cache[key] { return c }
            let c = Counter(label: "vigil_rule_hits_total",
                            dimensions: [("customer", hit.customer.rawValue), ("rule", hit.ruleID), ("level", hit.level.rawValue)])
            cache[key] = c
            return c
        }
    }
}
