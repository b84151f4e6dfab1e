import Foundation
import Logging
import PostgresNIO
import VigilDetection
import VigilEvents
import VigilStore
import VigilTestSupport

/// `vigil serve` as a real child process with paging on, against a test database, and helpers around it.
struct PagingDaemon {
    let directory: URL
    let configPath: String
    let httpPort: Int
    var process: VigilProcess

    var stateDirectory: String { directory.appendingPathComponent("state").path }
    var baseURL: String { "http://127.0.0.1:\(httpPort)" }

    static let logger: Logger = {
        var logger = Logger(label: "vigil.paging-daemon-tests")
        logger.logLevel = .critical
        return logger
    }()

    /// Three people, one webhook each at the receiver, one step each.
    static func oncall(_ receiver: PagingReceiver) -> String {
        """
        version: 1
        people:
          - {id: anna, name: Anna Becker, contacts: [{webhook: "\(receiver.baseURL)/anna"}]}
          - {id: ben, name: Ben Schulz, contacts: [{webhook: "\(receiver.baseURL)/ben"}]}
          - {id: clara, name: Clara Wolf, contacts: [{webhook: "\(receiver.baseURL)/clara"}]}
        policies:
          - id: three
            steps:
              - {name: L1, targets: [{person: anna}], delay: 10m}
              - {name: L2, targets: [{person: ben}], delay: 10m}
              - {name: L3, targets: [{person: clara}], delay: 10m}
        customers:
          - {id: bank-nord, name: Nordbank AG, time_zone: Europe/Berlin}
        default_policy: three
        """
    }

    static func config(database: TestPostgres.Database, httpPort: Int, syslogPort: Int, instance: String, maxParallel: Int, lease: String) -> String {
        """
        state_dir: state
        rules: \(SenderTools.packageRoot.appendingPathComponent("rules").path)
        log: {level: info}
        http: {address: 127.0.0.1, port: \(httpPort)}
        database:
          unix_socket: \(database.endpoint.socketPath)
          user: \(database.endpoint.username)
          database: \(database.name)
          tls: disable
          max_connections: 6
        listeners:
          - {name: syslog, address: 127.0.0.1, port: \(syslogPort), protocol: auto, customer: bank-nord}
        oncall:
          file: oncall.yml
          instance: \(instance)
        notifications: {lease: \(lease), max_parallel: \(maxParallel)}
        acknowledgement:
          base_url: http://127.0.0.1:\(httpPort)
          link_lifetime: 2h
        """
    }

    /// Writes the files and starts the daemon; returns when it is ready and paging.
    static func start(database: TestPostgres.Database, receiver: PagingReceiver, instance: String = "vigil-a", maxParallel: Int = 8,
                      lease: String = "2m") async throws -> PagingDaemon {
        let dir = try temporaryDirectory("vigil-paging")
        try oncall(receiver).write(to: dir.appendingPathComponent("oncall.yml"), atomically: true, encoding: .utf8)
        let httpPort = Ports.free()
        let path = dir.appendingPathComponent("vigil.yml").path
        try config(database: database, httpPort: httpPort, syslogPort: Ports.free(), instance: instance, maxParallel: maxParallel, lease: lease)
            .write(toFile: path, atomically: true, encoding: .utf8)
        var daemon = PagingDaemon(directory: dir, configPath: path, httpPort: httpPort, process: try VigilProcess(arguments: ["serve", "--config", path]))
        try await daemon.waitUntilPaging()
        return daemon
    }

    /// Starts the daemon again on the same files (after a kill), optionally under another instance name.
    mutating func restart(database: TestPostgres.Database, receiver: PagingReceiver, instance: String, maxParallel: Int, lease: String) async throws {
        try PagingDaemon.config(database: database, httpPort: httpPort, syslogPort: Ports.free(), instance: instance, maxParallel: maxParallel, lease: lease)
            .write(toFile: configPath, atomically: true, encoding: .utf8)
        process = try VigilProcess(arguments: ["serve", "--config", configPath])
        try await waitUntilPaging()
    }

    func waitUntilPaging() async throws {
        guard await process.waitForStderr(within: 60, containing: "paging engine running") else {
            throw TestSupportError("the daemon did not start paging: \(process.errorOutput)")
        }
    }

    /// Kills the daemon with SIGKILL and waits for it to be gone.
    func kill9() async {
        process.signal(SIGKILL)
        _ = await process.waitForExit(within: 10)
    }

    func stop() async {
        process.signal(SIGTERM)
        if await process.waitForExit(within: 10) == nil { process.signal(SIGKILL) }
        try? FileManager.default.removeItem(at: directory)
    }

    /// Raises incidents through the real incident sink in this process; the daemon hears `NOTIFY vigil_incident`.
    @discardableResult
    static func raise(count: Int, client: PostgresClient) async throws -> [Int64] {
        let dir = try TemporaryDirectory(prefix: "vigil-sink")
        defer { dir.remove() }
        let sink = IncidentSink(client: client, settings: IncidentSinkSettings(batchSize: 500), spoolDirectory: dir.path, logger: logger)
        let now = SystemClock().now
        let hits = (1...count).map { n in
            Hit(ruleID: "ssh-brute-force", ruleTitle: "SSH brute force, then a successful login", customer: "bank-nord", level: .high,
                group: [GroupValue(field: "source.ip", value: "203.0.113.\(n)")], firstTime: now - .minutes(6), lastTime: now, count: 42,
                summary: "42 failed SSH logins for root from 203.0.113.\(n), then a successful one",
                responseSteps: ["Block 203.0.113.\(n) at the perimeter firewall"])
        }
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

    /// Lets every pending step deadline pass now (the daemon runs on the real clock; the steps wait 10 minutes).
    static func passStepDeadlines(client: PostgresClient) async throws {
        try await client.query("""
            UPDATE vigil.escalation_timers SET due_at = now() WHERE timer_key LIKE 'step-deadline/%'
            """, logger: logger)
        try await client.query("SELECT pg_notify('vigil_oncall', 'wake')", logger: logger)
    }

    static func column<T: PostgresDecodable & Sendable>(_ client: PostgresClient, _ query: PostgresQuery, as: T.Type = T.self) async throws -> [T] {
        var out: [T] = []
        for try await value in try await client.query(query, logger: logger).decode(T.self) { out.append(value) }
        return out
    }

    static func eventually(seconds: Double = 30, _ condition: @Sendable () async throws -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
        while ContinuousClock.now < deadline {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(25))
        }
        return try await condition()
    }
}
