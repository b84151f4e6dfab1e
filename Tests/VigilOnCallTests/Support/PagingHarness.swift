import Foundation
import Logging
import PostgresNIO
import Testing
import VigilDetection
import VigilEvents
import VigilIncidents
import VigilTestSupport
@testable import VigilOnCall
@testable import VigilStore

/// Real parts for paging tests: a throwaway PostgreSQL, the incident sink to raise incidents, engines with a manual
/// clock, HTTP receivers on 127.0.0.1. Real-time waits are only safety nets; every decision uses the manual clock.
enum Paging {
    /// Saturday 2026-11-21, 03:00 in Berlin.
    static let t0 = t("2026-11-21T02:00:00Z")

    static let logger: Logger = {
        var logger = Logger(label: "vigil.paging-tests")
        logger.logLevel = ProcessInfo.processInfo.environment["VIGIL_TEST_LOG"] == nil ? .critical : .debug
        return logger
    }()

    static let ackSecret = Secret(String(repeating: "k", count: 40))
    static let ackLinks = AckLinks(baseURL: "https://vigil.test", signer: try! AckLinkSigner(secret: ackSecret), lifetime: .hours(24))

    /// Three people with one webhook contact each at `receiver/<name>`, paged one per step, 5 minutes apart.
    static func threeSteps(_ receiver: TestHTTPReceiver, ackTimeout: String? = nil, repeatCount: Int = 0) -> String {
        """
        version: 1
        people:
          - id: anna
            name: Anna Becker
            contacts: [{webhook: "\(receiver.baseURL)/anna"}]
          - id: ben
            name: Ben Schulz
            contacts: [{webhook: "\(receiver.baseURL)/ben"}]
          - id: clara
            name: Clara Wolf
            contacts: [{webhook: "\(receiver.baseURL)/clara"}]
        policies:
          - id: three
            repeat: \(repeatCount)
        \(ackTimeout.map { "    ack_timeout: \($0)" } ?? "")
            steps:
              - {name: L1, targets: [{person: anna}], delay: 5m}
              - {name: L2, targets: [{person: ben}], delay: 5m}
              - {name: L3, targets: [{person: clara}], delay: 5m}
        customers:
          - id: bank-nord
            name: Nordbank AG
            time_zone: Europe/Berlin
        default_policy: three
        """
    }

    /// Loads and applies a configuration as `vigil oncall apply` does.
    @discardableResult
    static func apply(_ yaml: String, client: PostgresClient, clock: any WallClock, actor: String = "test") async throws -> OnCallConfigStore.ApplyReport {
        let config = try OnCallConfigLoader.load(yaml: yaml, file: "test-oncall.yml")
        return try await OnCallConfigStore(client: client, clock: clock, logger: logger)
            .apply(config, source: .init(path: "test-oncall.yml", bytes: Array(yaml.utf8)), actor: actor)
    }

    static func engine(_ client: PostgresClient, clock: any WallClock, name: String = "test-a", lease: TimeSpan = .minutes(2),
                       maxParallelSends: Int = 8) -> PagingEngine {
        PagingEngine(client: client, settings: PagingSettings(instanceName: name, lease: lease, sweepInterval: .seconds(30),
                                                              maxParallelSends: maxParallelSends, ackLinks: ackLinks),
                     clock: clock, logger: logger)
    }

    /// Runs the engines while `body` runs, then stops them and waits until they have finished.
    static func running<T: Sendable>(_ engines: [PagingEngine], _ body: @Sendable () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: Void.self) { group -> T in
            for engine in engines { group.addTask { try await engine.run() } }
            do {
                let result = try await body()
                for engine in engines { engine.stop() }
                try await group.waitForAll()
                return result
            } catch {
                for engine in engines { engine.stop() }
                try? await group.waitForAll()
                throw error
            }
        }
    }

    /// Raises incidents through the real incident sink (which sends `NOTIFY vigil_incident`); returns their ids.
    @discardableResult
    static func raise(_ hits: [Hit], client: PostgresClient, clock: any WallClock) async throws -> [Int64] {
        let dir = try TemporaryDirectory(prefix: "vigil-sink")
        defer { dir.remove() }
        let sink = IncidentSink(client: client, settings: IncidentSinkSettings(batchSize: 100), spoolDirectory: dir.path, clock: clock,
                                logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await sink.run() }
            try await sink.submit(hits)
            await sink.flush()
            group.cancelAll()
            try? await group.waitForAll()
        }
        var ids: [Int64] = []
        for try await id in try await client.query("SELECT id FROM vigil.incidents ORDER BY id", logger: logger).decode(Int64.self) { ids.append(id) }
        return ids
    }

    static func hit(customer: CustomerID = "bank-nord", rule: String = "ssh-brute-force", level: Level = .high, source: String = "203.0.113.7",
                    at time: Timestamp = t0) -> Hit {
        Hit(ruleID: rule, ruleTitle: "SSH brute force, then a successful login", customer: customer, level: level,
            group: [GroupValue(field: "source.ip", value: source)], firstTime: time - .minutes(6), lastTime: time, count: 42,
            summary: "42 failed SSH logins for root from \(source), then a successful one",
            responseSteps: ["Block \(source) at the perimeter firewall", "Reset the root password on db-07"], tags: ["attack.t1110"])
    }

    /// Polls `condition` until it holds; `seconds` is only a safety net.
    /// Moves the manual clock once no page is mid-send: a send whose outcome is not yet recorded would see its lease
    /// lapse and be sent again (as designed after a crash), which is not what these tests are about.
    static func advance(_ clock: ManualClock, to time: Timestamp, client: PostgresClient) async throws {
        _ = try await eventually {
            try await column(client, "SELECT count(*) FROM vigil.page_outbox WHERE status = 'sending'", as: Int.self) == [0]
        }
        clock.set(time)
    }

    static func eventually(seconds: Double = 20, _ condition: @Sendable () async throws -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
        while ContinuousClock.now < deadline {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(20))
        }
        return try await condition()
    }

    /// The paths the receiver was asked for, in order (e.g. `/anna`).
    static func paths(_ receiver: TestHTTPReceiver) -> [String] { receiver.requests.map(\.uri) }

    static func column<T: PostgresDecodable & Sendable>(_ client: PostgresClient, _ query: PostgresQuery, as: T.Type = T.self) async throws -> [T] {
        var out: [T] = []
        for try await value in try await client.query(query, logger: logger).decode(T.self) { out.append(value) }
        return out
    }

    /// The incident's timeline details, in order.
    static func timeline(_ client: PostgresClient, incident: Int64) async throws -> [String] {
        try await column(client, "SELECT kind || ' ' || actor || ': ' || detail FROM vigil.incident_timeline WHERE incident_id = \(incident) ORDER BY id")
    }
}
