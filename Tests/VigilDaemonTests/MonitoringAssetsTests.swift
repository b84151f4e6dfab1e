import Foundation
import Testing

/// deploy/monitoring stays importable and in step with the code: every `vigil_*` metric the dashboard and the alert
/// rules use is one Vigil exports, and promtool accepts the rules.
@Suite struct MonitoringAssetsTests {
    @Test func theDashboardIsAnImportableGrafanaDashboardWithTheFourRows() throws {
        let data = try Data(contentsOf: MonitoringAssets.dashboardURL)
        let dashboard = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let schema = try #require(dashboard["schemaVersion"] as? Int)
        #expect(schema >= 36)
        let inputs = try #require(dashboard["__inputs"] as? [[String: Any]])
        #expect(inputs.contains { $0["name"] as? String == "DS_PROMETHEUS" && $0["pluginId"] as? String == "prometheus" })
        #expect(dashboard["uid"] as? String == "vigil-overview")
        let panels = try #require(dashboard["panels"] as? [[String: Any]])
        let rows = panels.filter { $0["type"] as? String == "row" }.compactMap { $0["title"] as? String }
        #expect(rows == ["Ingest", "Detection", "Incidents", "Paging"])
        let ids = panels.compactMap { $0["id"] as? Int }
        #expect(ids.count == panels.count && Set(ids).count == ids.count, "every panel has a unique id")
        for panel in panels where panel["type"] as? String != "row" {
            let title = panel["title"] as? String ?? "?"
            let source = panel["datasource"] as? [String: Any]
            #expect(source?["uid"] as? String == "${DS_PROMETHEUS}", "\(title) uses the imported data source")
            let targets = panel["targets"] as? [[String: Any]] ?? []
            #expect(!targets.isEmpty && targets.allSatisfy { !($0["expr"] as? String ?? "").isEmpty }, "\(title) has queries")
        }
    }

    @Test func everyAlertHasAForDurationASeverityAndPlainWordsForTheOnCall() throws {
        let rules = try MonitoringAssets.alertRules()
        #expect(rules.count >= 12)
        let names = rules.compactMap { $0["alert"] as? String }
        #expect(names.count == rules.count && Set(names).count == names.count, "every rule is a uniquely named alert")
        for expected in ["VigilDown", "VigilNotReady", "VigilSpoolFilling", "VigilDatabaseDown", "VigilParseErrorsHigh", "VigilSourceSilent",
                         "VigilPagingFailed", "VigilPageLatencyHigh", "VigilShardQueueNearlyFull", "VigilWatchdogNotPetted"] {
            #expect(names.contains(expected), "missing alert \(expected)")
        }
        for rule in rules {
            let name = rule["alert"] as? String ?? "?"
            #expect(!(rule["expr"] as? String ?? "").isEmpty, "\(name): expr")
            #expect(rule["for"] is String, "\(name): for")
            let severity = (rule["labels"] as? [String: Any])?["severity"] as? String
            #expect(["critical", "warning", "none"].contains(severity ?? ""), "\(name): severity \(severity ?? "missing")")
            let annotations = rule["annotations"] as? [String: Any] ?? [:]
            for key in ["summary", "description", "action"] {
                #expect(!(annotations[key] as? String ?? "").isEmpty, "\(name): annotation \(key)")
            }
        }
        let silent = try #require(rules.first { $0["alert"] as? String == "VigilSourceSilent" }?["expr"] as? String)
        #expect(silent.contains("unless") && silent.contains("[15m]"), "a silent source is rate 0 over 15m, not while Vigil is down")
        let latency = try #require(rules.first { $0["alert"] as? String == "VigilPageLatencyHigh" }?["expr"] as? String)
        #expect(latency.contains("histogram_quantile(0.99") && latency.contains("> 5"))
    }

    @Test func everyMetricTheAssetsUseIsOneVigilExports() async throws {
        let exported = try await MonitoringAssets.exportedNames()
        #expect(exported.contains("vigil_paging_page_latency_seconds"), "the exporter scrape works: \(exported.sorted())")

        let data = try Data(contentsOf: MonitoringAssets.dashboardURL)
        let dashboard = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let dashboardNames = MonitoringAssets.dashboardExpressions(dashboard).reduce(into: Set<String>()) { $0.formUnion(MonitoringAssets.metricNames(in: $1)) }
        let alertNames = try MonitoringAssets.alertRules().compactMap { $0["expr"] as? String }
            .reduce(into: Set<String>()) { $0.formUnion(MonitoringAssets.metricNames(in: $1)) }
        #expect(dashboardNames.count >= 20 && alertNames.count >= 12)
        #expect(dashboardNames.subtracting(exported).isEmpty, "dashboard uses unknown metrics: \(dashboardNames.subtracting(exported).sorted())")
        #expect(alertNames.subtracting(exported).isEmpty, "alerts use unknown metrics: \(alertNames.subtracting(exported).sorted())")
        // What issue 6 asks /metrics to cover is on the dashboard.
        for required in ["vigil_ingest_received_total", "vigil_ingest_malformed_total", "vigil_rule_hits_total", "vigil_incidents_created_total",
                         "vigil_paging_pages_total", "vigil_paging_page_latency_seconds", "vigil_shard_queue_depth", "vigil_incident_queue_depth",
                         "vigil_spool_bytes"] {
            #expect(dashboardNames.contains(required), "the dashboard shows \(required)")
        }
    }

    @Test func theMetricNameExtractionStripsHistogramSeries() {
        let names = MonitoringAssets.metricNames(in: """
            histogram_quantile(0.99, sum by (le) (rate(vigil_paging_page_latency_seconds_bucket{job="vigil"}[5m]))) \
            / vigil_shard_queue_depth + up{job="vigil"}
            """)
        #expect(names == ["vigil_paging_page_latency_seconds", "vigil_shard_queue_depth"])
    }

    @Test(.enabled(if: MonitoringAssets.promtool != nil, "promtool is not installed (deploy/test-tools.sh unpacks it)"))
    func promtoolAcceptsTheAlertRules() async throws {
        let promtool = try #require(MonitoringAssets.promtool)
        let result = try await run(promtool, ["check", "rules", MonitoringAssets.alertsURL.path])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("SUCCESS"), "\(result.output)")
    }
}
