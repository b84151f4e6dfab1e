import Foundation
import Testing
import VigilDetection
import VigilEvents
import VigilIncidents
@testable import VigilOnCall

/// Parses an RFC 3339 instant; tests write times as text so they read like the schedules they check.
func t(_ text: String) -> Timestamp {
    guard let ts = Timestamp(rfc3339: text) else { fatalError("bad test time \(text)") }
    return ts
}

enum Fixtures {
    /// The repository's example configuration.
    static var examplePath: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("deploy/oncall.yml").path
    }

    static func example() throws -> OnCallConfig {
        try OnCallConfigLoader.load(contentsOf: examplePath)
    }

    static func load(_ yaml: String) throws -> OnCallConfig {
        try OnCallConfigLoader.load(yaml: yaml, file: "test.yml")
    }

    /// The diagnostics a broken configuration produces.
    static func diagnostics(_ yaml: String) -> [ConfigDiagnostic] {
        do {
            _ = try OnCallConfigLoader.load(yaml: yaml, file: "test.yml")
            return []
        } catch {
            return error.diagnostics
        }
    }

    static func incident(
        id: String = "INC-1", customer: CustomerID = "bank-nord", rule: String = "ssh-brute-force-then-success",
        scenarios: Set<String> = [], level: Level = .high, priority: Priority? = .p2, override: SeverityOverride? = nil,
        first: Timestamp = t("2026-11-21T02:04:00Z"), count: Int = 7
    ) -> OnCallIncident {
        OnCallIncident(
            id: id, customer: customer, customerName: "Nordbank AG", ruleID: rule, title: "SSH brute force, then a successful login",
            summary: "42 failed SSH logins for root from 203.0.113.7, then a successful one", scenarios: scenarios, level: level,
            priority: priority, severityOverride: override, subjects: ["host db-07", "source 203.0.113.7"], firstSeen: first,
            lastSeen: first + .minutes(6), count: count, slaDeadline: first + .hours(8),
            responseSteps: ["Call the bank's duty phone +49 30 1234 5678", "Block 203.0.113.7 at the perimeter firewall",
                            "Reset the root password on db-07"])
    }

    /// People with one contact of each phone kind and email; no providers needed beyond the defaults below.
    static let providersYAML = """
    providers:
      twilio:
        account_sid: AC123
        auth_token: {env: TWILIO_TOKEN}
        from: "+4930000000"
      smtp:
        host: 127.0.0.1
        from: vigil@soc.example
      telegram:
        bot_token: {env: TG_TOKEN}
    """
}
