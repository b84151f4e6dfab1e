import Foundation
import Testing

/// The whole chain with the real binary: events over TCP → rules → incidents in the embedded PostgreSQL,
/// then the CLI lists, shows and acknowledges them.
@Suite(.serialized) struct ChainIntegrationTests {
    @Test func attackOverTCPBecomesIncidentsWithEvidenceAndTimeline() async throws {
        let dir = try temporaryDirectory("vigil-chain")
        defer { try? FileManager.default.removeItem(at: dir) }
        let port = Ports.free()
        let config = dir.appendingPathComponent("vigil.yml").path
        try """
        state_dir: state
        rules: \(SenderTools.packageRoot.appendingPathComponent("rules").path)
        database: embedded
        detection: { allowed_lateness: 2s }
        http: { address: 127.0.0.1, port: \(Ports.free()) }
        listeners:
          - { name: bank, address: 127.0.0.1, port: \(port), protocol: auto, customer: bank-nord }
        """.write(toFile: config, atomically: true, encoding: .utf8)
        let daemon = try VigilProcess(arguments: ["serve", "--config", config])
        defer { daemon.terminate() }
        #expect(await daemon.waitForStderr(within: 120, containing: " ready"), "\(daemon.errorOutput)")

        let attack = SenderTools.deploy.appendingPathComponent("demo/attack.log").path
        let sent = try await run(VigilProcess.binary, ["bench", "send", "--file", attack, "--port", "\(port)", "--connections", "1"])
        #expect(sent.status == 0, "\(sent.output)")

        // The correlation closes once 2 s of quiet have passed; then the sink writes it.
        var incidents: [[String: Any]] = []
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            let listed = try await run(VigilProcess.binary, ["incidents", "list", "--config", config, "--json"])
            incidents = listed.output.split(separator: "\n").compactMap {
                try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
            }
            if incidents.contains(where: { $0["priority"] as? String == "P1" }) { break }
            try await Task.sleep(for: .milliseconds(250))
        }
        let p1 = try #require(incidents.first { $0["priority"] as? String == "P1" }, "incidents: \(incidents)\n\(daemon.errorOutput)")
        #expect(p1["customer"] as? String == "bank-nord")
        #expect(p1["rule_title"] as? String == "SSH brute force followed by a successful login")
        #expect(incidents.count >= 4)
        #expect(incidents.allSatisfy { $0["customer"] as? String == "bank-nord" })

        let id = try #require(p1["id"] as? Int)
        let shown = try await run(VigilProcess.binary, ["incidents", "show", "\(id)", "--config", config])
        #expect(shown.output.contains("Failed password for root from 203.0.113.7 port 50100 ssh2"), "\(shown.output)")
        #expect(shown.output.contains("created"))

        let acked = try await run(VigilProcess.binary, ["incidents", "ack", "\(id)", "--by", "sm.bank", "--note", "on it", "--config", config])
        #expect(acked.status == 0, "\(acked.output)")
        let after = try await run(VigilProcess.binary, ["incidents", "show", "\(id)", "--config", config])
        #expect(after.output.contains("acknowledged"))
        #expect(after.output.contains("sm.bank"))

        daemon.signal(SIGTERM)
        #expect(await daemon.waitForExit(within: 20) == 0, "\(daemon.errorOutput)")
        #expect(daemon.errorOutput.contains("embedded PostgreSQL stopped"))
    }
}
