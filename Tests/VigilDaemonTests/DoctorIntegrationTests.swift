import Foundation
import PostgresNIO
import Testing
import VigilDaemon
import VigilEvents
import VigilStore
import VigilTestSupport

/// `vigil doctor` against real PostgreSQL clusters and the real binary.
@Suite(.serialized) struct DoctorIntegrationTests {
    @Test func externalDatabaseMigratedNotMigratedAndNewer() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        @Sendable func check(_ database: TestPostgres.Database) async throws -> [DoctorFinding] {
            let settings = "{unix_socket: \(database.endpoint.socketPath), user: \(database.endpoint.username), database: \(database.name)}"
            let path = try DoctorTests.writeConfig(dir, listeners: [("syslog", Ports.free())], httpPort: Ports.free(), database: settings)
            return await DoctorTests.doctor(path).findings(of: "database")
        }
        let latest = MigrationCatalog.latestVersion
        try await TestPostgres.withDatabase(migrated: true) { client, database in
            let findings = try await check(database)
            #expect(findings.map(\.status) == [.ok], "\(findings)")
            #expect(findings.first?.message.hasSuffix(": reachable, schema at version \(latest) (current)") == true, "\(findings)")

            try await client.query("INSERT INTO vigil.schema_migrations (version, name, checksum) VALUES (9999, 'from_the_future', 'x')")
            let newer = try await check(database)
            #expect(newer.map(\.status) == [.fail])
            #expect(newer.first?.message.contains("schema version 9999 is newer than this Vigil (\(latest)); unknown migrations 9999 from_the_future") == true,
                    "\(newer)")
        }
        try await TestPostgres.withDatabase(migrated: false) { _, database in
            let findings = try await check(database)
            #expect(findings.map(\.status) == [.warn], "\(findings)")
            #expect(findings.first?.message.hasSuffix("reachable, \(MigrationCatalog.all.count) migrations pending (\(MigrationCatalog.all.map(\.description).joined(separator: ", ")))") == true,
                    "\(findings)")
            #expect(findings.first?.fix?.hasPrefix("run `vigil migrate --config ") == true)
        }
    }

    @Test func unreachableDatabaseFailsWithoutShowingThePassword() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let port = Ports.free()
        let path = try DoctorTests.writeConfig(dir, listeners: [("syslog", Ports.free())], httpPort: Ports.free(),
                                               database: "{url: \"postgres://vigil:s3cret-pw@127.0.0.1:\(port)/vigil?sslmode=disable\"}")
        let findings = await DoctorTests.doctor(path).findings(of: "database")
        #expect(findings.map(\.status) == [.fail])
        #expect(findings.first?.message.hasPrefix("database postgres://vigil@127.0.0.1:\(port)/vigil (tls disable, password inline): cannot connect: ") == true,
                "\(findings)")
        #expect(!findings.contains { $0.line.contains("s3cret-pw") })
    }

    @Test func runningEmbeddedClusterIsCheckedAndAStoppedOneIsLeftAlone() async throws {
        try await TestPostgres.withCluster { cluster in
            let state = cluster.embedded.configuration.stateDirectory
            let dir = try temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: dir) }
            let path = try DoctorTests.writeConfig(dir, listeners: [("syslog", Ports.free())], httpPort: Ports.free(), database: "embedded",
                                                   extra: "")
            let text = try String(contentsOfFile: path, encoding: .utf8).replacingOccurrences(of: "state_dir: state", with: "state_dir: \(state)")
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            let endpoint = try await cluster.endpoint()

            let pending = await DoctorTests.doctor(path).findings(of: "database")
            #expect(pending.map(\.status) == [.warn], "\(pending)")
            #expect(pending.first?.message.hasPrefix("database embedded cluster in \(state)/postgres (running, port \(endpoint.port)): reachable, ") == true,
                    "\(pending)")
            #expect(pending.first?.fix?.hasSuffix("(Vigil also applies them at start)") == true)

            _ = try await TestCluster.withClient(endpoint.clientConfiguration()) { client in try await Migrator().migrate(client) }
            let current = await DoctorTests.doctor(path).findings(of: "database")
            #expect(current.map(\.line) == [
                "ok    database embedded cluster in \(state)/postgres (running, port \(endpoint.port)): reachable, schema at version \(MigrationCatalog.latestVersion) (current)",
            ])

            try await cluster.embedded.stop()
            let stopped = await DoctorTests.doctor(path).findings(of: "database")
            #expect(stopped.count == 1)
            #expect(stopped.first?.status == .ok)
            #expect(stopped.first?.message.hasPrefix("database embedded: cluster in \(state)/postgres not running (Vigil starts it); migrations will be applied at start") == true,
                    "\(stopped)")
            #expect(SystemProbes().embeddedServer(stateDirectory: state) == .stopped, "doctor must not start the cluster")
        }
    }

    @Test func startEmbeddedCreatesChecksAndStopsTheCluster() async throws {
        let dir = try TemporaryDirectory(prefix: "vigil-doc")
        defer { dir.remove() }
        let path = try DoctorTests.writeConfig(URL(fileURLWithPath: dir.path), listeners: [("syslog", Ports.free())], httpPort: Ports.free(),
                                               database: "embedded")
        let untouched = await DoctorTests.doctor(path).findings(of: "database")
        #expect(untouched.first?.message.hasPrefix("database embedded: no cluster in \(dir.path)/state/postgres yet") == true, "\(untouched)")
        #expect(!FileManager.default.fileExists(atPath: dir.path + "/state/postgres"))

        var options = DoctorOptions()
        options.startEmbedded = true
        let started = await DoctorTests.doctor(path, options: options).findings(of: "database")
        #expect(started.map(\.status) == [.warn], "\(started)")
        #expect(started.first?.message.hasPrefix("database embedded cluster in \(dir.path)/state/postgres (created and started by doctor): reachable, ") == true)
        #expect(SystemProbes().embeddedServer(stateDirectory: dir.path + "/state") == .stopped)
    }

    @Test func theBinaryOnTheExampleConfiguration() async throws {
        let dir = try temporaryDirectory("vigil-doctor")
        defer { try? FileManager.default.removeItem(at: dir) }
        for name in ["deploy", "rules"] {
            try FileManager.default.copyItem(at: SenderTools.packageRoot.appendingPathComponent(name), to: dir.appendingPathComponent(name))
        }
        let config = dir.appendingPathComponent("deploy/vigil.yml").path
        let result = try await run(VigilProcess.binary, ["doctor", "--config", config])
        let lines = result.output.split(separator: "\n").map(String.init)
        let state = dir.appendingPathComponent(".vigil-state").path
        #expect(lines.first == "ok    config: \(config) loaded (3 listeners, database embedded)", "\(result.output)")
        #expect(lines.contains { $0.hasPrefix("ok    files: ") && $0.hasSuffix(" rule files, on-call file readable; state_dir \(state) will be created") },
                "\(result.output)")
        let endpoints = ["listener bank-syslog 127.0.0.1:5514", "listener collectors 127.0.0.1:5515", "listener siem-json 127.0.0.1:5516", "http 127.0.0.1:9514"]
        for endpoint in endpoints {
            // Another Vigil on this machine may hold the example ports; then the line says so.
            #expect(lines.contains("ok    \(endpoint): free") || lines.contains { $0.hasPrefix("FAIL  \(endpoint): port in use") || $0.hasPrefix("ok    \(endpoint): in use by this Vigil") },
                    "\(result.output)")
        }
        #expect(lines.contains("ok    tls: no TLS listeners, nothing to check"))
        #expect(lines.contains { $0.hasPrefix("ok    database embedded: no cluster in \(state)/postgres yet; Vigil creates it on first start") }
                || lines.contains { $0.hasPrefix("FAIL  database embedded: the PostgreSQL server programs") }, "\(result.output)")
        #expect(lines.contains { $0.hasPrefix("ok    rules: ") && $0.hasSuffix(" extractors valid") })
        #expect(lines.contains { $0.hasPrefix("ok    rule fixtures: ") && $0.hasSuffix(" passed") }, "\(result.output)")
        // The quick start's on-call file: every customer reaches the demo policy, whose people are always on call.
        #expect(lines.contains("ok    on-call: 3 customers with an escalation policy (default_policy demo)"), "\(result.output)")
        #expect(lines.contains("ok    on-call: every step of 1 policy reaches somebody now and for the next 14 days"))
        #expect(!lines.contains { $0.hasPrefix("WARN") }, "\(result.output)")
        #expect(lines.last?.hasPrefix("doctor: ") == true)
        let failed = lines.contains { $0.hasPrefix("FAIL") }
        #expect(result.status == (failed ? 1 : 0))

        let json = try await run(VigilProcess.binary, ["doctor", "--config", config, "--json", "--skip-fixtures"])
        let objects = try json.output.split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(objects.count == lines.count - 2, "\(json.output)")
        #expect(objects.allSatisfy { ["ok", "warn", "fail"].contains($0?["status"] as? String ?? "") })
    }

    @Test func portsHeldByTheRunningVigilOfThisConfiguration() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (syslog, http) = (Ports.free(), Ports.free())
        let path = try DoctorTests.writeConfig(dir, listeners: [("syslog", syslog)], httpPort: http)
        let daemon = try VigilProcess(arguments: ["serve", "--config", path])
        defer { daemon.terminate() }
        #expect(await Ports.waitUntilListening(syslog), "\(daemon.errorOutput)")
        #expect(await Ports.waitUntilListening(http), "\(daemon.errorOutput)")
        let report = await DoctorTests.doctor(path)
        #expect(report.findings(of: "ports").map(\.line) == [
            "ok    listener syslog 127.0.0.1:\(syslog): in use by this Vigil (running)",
            "ok    http 127.0.0.1:\(http): in use by this Vigil (running)",
        ])
        #expect(!report.failed, "\(report.text)")
    }
}
