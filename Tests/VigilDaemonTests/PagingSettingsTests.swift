import Foundation
import Testing
import VigilEvents
import VigilIngest
import VigilOnCall
@testable import VigilDaemon

/// The daemon's `oncall`, `notifications` and `acknowledgement` keys.
@Suite struct PagingSettingsTests {
    static func load(_ yaml: String, oncall: String? = nil) throws -> (VigilConfiguration?, [String]) {
        let dir = try temporaryDirectory("vigil-paging-settings")
        defer { try? FileManager.default.removeItem(at: dir) }
        if let oncall { try oncall.write(to: dir.appendingPathComponent("oncall.yml"), atomically: true, encoding: .utf8) }
        let path = dir.appendingPathComponent("vigil.yml").path
        try ("listeners:\n  - {name: a, address: 127.0.0.1, port: 5514, protocol: auto, customer: bank-nord}\n" + yaml)
            .write(toFile: path, atomically: true, encoding: .utf8)
        do {
            return (try VigilConfiguration.load(path: path), [])
        } catch {
            // Paths differ per run; keep the file name and position.
            return (nil, error.errors.map { "\(URL(fileURLWithPath: $0.file).lastPathComponent):\($0.line):\($0.column): \($0.message)" })
        }
    }

    static let oncall = """
        version: 1
        people: [{id: anna, name: Anna, contacts: [{webhook: "https://pager.example/anna"}]}]
        policies: [{id: p, steps: [{targets: [{person: anna}], delay: 5m}]}]
        default_policy: p
        """

    @Test func theThreeSectionsAreReadWithTheirDefaults() throws {
        let (config, errors) = try Self.load("""
            oncall: {file: oncall.yml, apply_on_start: always, instance: vigil-a}
            notifications: {lease: 90s, sweep_interval: 10s, max_parallel: 4, max_incident_age: 2h}
            acknowledgement:
              base_url: https://vigil.example.net
              link_lifetime: 12h
              secret_env: VIGIL_ACK_SECRET
              api_tokens_file: secrets/api-tokens
            """, oncall: Self.oncall)
        #expect(errors.isEmpty, "\(errors)")
        let s = try #require(config?.onCall)
        #expect(s.enabled && s.applyOnStart == .always && s.instance == "vigil-a")
        #expect(s.file?.hasSuffix("/oncall.yml") == true && s.fileConfig?.people.map(\.id) == ["anna"] && !s.fileBytes.isEmpty)
        #expect(s.lease == .seconds(90) && s.sweepInterval == .seconds(10) && s.maxParallelSends == 4 && s.maxIncidentAge == .hours(2))
        #expect(s.baseURL == "https://vigil.example.net" && s.linkLifetime == .hours(12))
        #expect(s.secret == .environment("VIGIL_ACK_SECRET"))
        if case .file(let path) = s.apiTokens { #expect(path.hasSuffix("/secrets/api-tokens") && path.hasPrefix("/")) } else { Issue.record("api tokens") }

        let (plain, _) = try Self.load("oncall: oncall.yml\n", oncall: Self.oncall)
        let d = try #require(plain?.onCall)
        #expect(d.applyOnStart == .ifEmpty && d.lease == .minutes(2) && d.sweepInterval == .seconds(30) && d.linkLifetime == nil && d.secret == nil)
    }

    @Test func mistakesArePointedAtInTheirFile() throws {
        let (_, errors) = try Self.load("""
            oncall: {file: oncall.yml, apply_on_start: sometimes, colour: blue}
            notifications: {lease: soon}
            acknowledgement: {base_url: "ftp://x", secret_file: a, secret_env: B}
            """, oncall: Self.oncall.replacingOccurrences(of: "delay: 5m", with: "delay: 5 minutes"))
        #expect(errors.contains("vigil.yml:3:44: apply_on_start must be if_empty, always or never"), "\(errors)")
        #expect(errors.contains("vigil.yml:3:55: unknown key 'colour'"), "\(errors)")
        #expect(errors.contains("vigil.yml:4:24: 'soon' is not a duration (examples: 250ms, 30s, 10m, 2h, 1d)"), "\(errors)")
        #expect(errors.contains { $0.hasPrefix("vigil.yml:5:29: base_url: URL 'ftp://x") }, "\(errors)")
        #expect(errors.contains("vigil.yml:5:18: give secret_file or secret_env, not both"), "\(errors)")
        #expect(errors.contains { $0.hasPrefix("oncall.yml:3:") && $0.contains("5 minutes") }, "\(errors)")
    }
}
