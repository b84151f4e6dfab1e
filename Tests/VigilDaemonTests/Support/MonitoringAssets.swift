import Foundation
import Logging
import Metrics
import Prometheus
import VigilDetection
import VigilEvents
import VigilIncidents
import VigilIngest
import VigilOnCall
import Yams
@testable import VigilDaemon
@testable import VigilStore

/// deploy/monitoring: the dashboard, the alert rules, and the metric names Vigil really exports.
enum MonitoringAssets {
    static let directory = SenderTools.deploy.appendingPathComponent("monitoring")
    static var dashboardURL: URL { directory.appendingPathComponent("grafana-dashboard.json") }
    static var alertsURL: URL { directory.appendingPathComponent("prometheus-alerts.yml") }

    /// Every `vigil_*` metric family name in a PromQL expression; `_bucket`, `_sum` and `_count` series map to their histogram.
    static func metricNames(in expression: String) -> Set<String> {
        var names = Set<String>()
        let regex = try! NSRegularExpression(pattern: "\\bvigil_[a-z0-9_]*[a-z0-9]")
        let range = NSRange(expression.startIndex..., in: expression)
        for match in regex.matches(in: expression, range: range) {
            var name = String(expression[Range(match.range, in: expression)!])
            for suffix in ["_bucket", "_sum", "_count"] where name.hasSuffix(suffix) {
                name.removeLast(suffix.count)
            }
            names.insert(name)
        }
        return names
    }

    /// Every PromQL expression in the dashboard: panel targets and template variable queries.
    static func dashboardExpressions(_ dashboard: [String: Any]) -> [String] {
        var out: [String] = []
        func walk(_ value: Any, key: String?) {
            if let dict = value as? [String: Any] {
                for (k, v) in dict { walk(v, key: k) }
            } else if let list = value as? [Any] {
                for v in list { walk(v, key: key) }
            } else if let text = value as? String, ["expr", "query", "definition"].contains(key ?? "") {
                out.append(text)
            }
        }
        walk(dashboard, key: nil)
        return out
    }

    /// The alert rules, as parsed YAML dictionaries.
    static func alertRules() throws -> [[String: Any]] {
        let text = try String(contentsOf: alertsURL, encoding: .utf8)
        let root = try unwrap(Yams.load(yaml: text) as? [String: Any], "alert file is not a mapping")
        let groups = try unwrap(root["groups"] as? [[String: Any]], "no groups")
        return groups.flatMap { ($0["rules"] as? [[String: Any]]) ?? [] }
    }

    /// The metric families a real Vigil exports: every exporter's metrics are made (each family touched once) through the
    /// daemon's Prometheus factory on a fresh registry, bound task-locally, and the registry's text is read back.
    static func exportedNames() async throws -> Set<String> {
        let registry = PrometheusCollectorRegistry()
        let factory = MetricsBootstrap.makeFactory(registry: registry)
        let logger = Logger(label: "vigil.monitoring-tests")
        let rules = try RuleLoader.load(root: SenderTools.packageRoot.appendingPathComponent("rules").path)
        await withMetricsFactory(factory) {
            // Ingest (VigilIngest).
            let ingest = IngestMetrics()
            _ = ingest.counters(listener: "syslog-tcp", customer: "bank-nord").malformed(reason: "bad_priority")
            ingest.connectionRejected(listener: "syslog-tcp", reason: "unbound_source")
            ingest.activeConnections(listener: "syslog-tcp").record(0)
            // Detection (VigilDaemon shards and hit dispatch).
            let dispatcher = HitDispatcher(sink: nil, printer: nil, logger: logger)
            _ = Shard(index: 0, queueDepth: 8, rules: rules, engineOptions: EngineOptions(), printer: nil, dispatcher: dispatcher,
                      clock: ManualClock(Timestamp(nanoseconds: 0)), logger: logger)
            _ = ShardStatistics(shard: 0)
            await dispatcher.dispatch([Hit(ruleID: "ssh-brute-force", ruleTitle: "SSH brute force", customer: "bank-nord", level: .high,
                                           group: [], firstTime: Timestamp(nanoseconds: 0), lastTime: Timestamp(nanoseconds: 0), count: 1,
                                           summary: "test", responseSteps: [], tags: [])])
            // Incidents (VigilStore sink) and paging (VigilStore on-call engine).
            SinkMetrics().incidents.created(customer: "bank-nord", priority: .p1, reopened: false)
            _ = PagingMetrics()
            // The daemon's own health.
            _ = DaemonMetrics()
        }
        var bytes: [UInt8] = []
        registry.emit(into: &bytes)
        let text = String(decoding: bytes, as: UTF8.self)
        return Set(text.split(separator: "\n").compactMap { line -> String? in
            let parts = line.split(separator: " ")
            guard parts.count >= 4, parts[0] == "#", parts[1] == "TYPE" else { return nil }
            return String(parts[2])
        })
    }

    /// promtool from PATH, or unpacked by deploy/test-tools.sh into .build-tools/prometheus.
    static var promtool: String? {
        var candidates = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map { "\($0)/promtool" }
        candidates.append(SenderTools.tools.appendingPathComponent("prometheus/usr/bin/promtool").path)
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    struct Missing: Error, CustomStringConvertible {
        var description: String
    }

    /// The value, or a thrown ``Missing`` with `message`.
    static func unwrap<T>(_ value: T?, _ message: String) throws -> T {
        guard let value else { throw Missing(description: message) }
        return value
    }
}
