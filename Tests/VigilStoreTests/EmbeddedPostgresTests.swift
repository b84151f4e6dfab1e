import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle
import Testing
import VigilTestSupport
@testable import VigilStore

@Suite("Embedded PostgreSQL")
struct EmbeddedPostgresTests {
    @Test("missing binaries give a clear error with the exact apt-get command")
    func missingBinaries() throws {
        let empty = try TemporaryDirectory(prefix: "vigil-nobin")
        defer { empty.remove() }
        do {
            _ = try PostgresBinaries.locate(environment: ["PATH": empty.path], versionRoot: empty.path)
            Issue.record("found binaries in an empty directory")
        } catch {
            #expect(error.code == .binariesNotFound)
            #expect(error.description.contains("apt-get install -y postgresql"))
        }
    }

    @Test("binaries are found under /usr/lib/postgresql/<version>/bin, highest version first")
    func versionRoot() throws {
        let root = try TemporaryDirectory(prefix: "vigil-bin")
        defer { root.remove() }
        for version in ["9.6", "15", "13"] {
            let bin = root.path + "/\(version)/bin"
            try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
            for tool in ["initdb", "pg_ctl", "postgres"] {
                _ = FileManager.default.createFile(atPath: bin + "/" + tool, contents: Data("#!/bin/sh\n".utf8), attributes: [.posixPermissions: 0o755])
            }
        }
        #expect(try PostgresBinaries.locate(environment: ["PATH": "/nonexistent"], versionRoot: root.path).directory == root.path + "/15/bin")
    }

    @Test("first start runs initdb; a second manager attaches and does not stop the server; restart keeps the data")
    func lifecycle() async throws {
        let state = try TemporaryDirectory(prefix: "vigil-emb")
        defer { state.remove() }
        let configuration = EmbeddedPostgres.Configuration(stateDirectory: state.path, settings: TestPostgres.settings)
        let owner = EmbeddedPostgres(configuration: configuration)
        let endpoint = try await owner.start()
        #expect(FileManager.default.fileExists(atPath: owner.dataDirectory + "/PG_VERSION"))
        #expect(await owner.ownsServer)
        #expect(endpoint.database == "vigil")
        try await TestCluster.withClient(endpoint.clientConfiguration()) { client in
            try await client.query("CREATE TABLE kept (x int)")
            try await client.query("INSERT INTO kept VALUES (42)")
        }
        // TCP on 127.0.0.1 with the generated password works too.
        let password = try String(contentsOfFile: endpoint.passwordFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(password.count == 32)
        try await TestCluster.withClient(.init(host: "127.0.0.1", port: endpoint.port, username: "vigil", password: password, database: "vigil", tls: .disable)) { client in
            let kept = try await StoreTest.scalar(client, "SELECT x FROM kept", as: Int.self)
            #expect(kept == 42)
        }

        let second = EmbeddedPostgres(configuration: configuration)
        let attached = try await second.start()
        #expect(attached.port == endpoint.port)
        #expect(await second.ownsServer == false)
        try await second.stop()
        try await TestCluster.withClient(endpoint.clientConfiguration()) { client in
            let kept = try await StoreTest.scalar(client, "SELECT x FROM kept", as: Int.self)
            #expect(kept == 42)
        }

        try await owner.stop()
        #expect(PostmasterStatus.read(dataDirectory: owner.dataDirectory) == nil)
        let again = try await owner.start()
        #expect(again.port == endpoint.port)
        try await TestCluster.withClient(again.clientConfiguration()) { client in
            let kept = try await StoreTest.scalar(client, "SELECT x FROM kept", as: Int.self)
            #expect(kept == 42)
        }
        try await owner.stop()
    }

    @Test("a stale postmaster.pid after a crash does not stop the next start")
    func stalePID() async throws {
        let state = try TemporaryDirectory(prefix: "vigil-emb")
        defer { state.remove() }
        let embedded = EmbeddedPostgres(configuration: .init(stateDirectory: state.path, settings: TestPostgres.settings))
        _ = try await embedded.start()
        try await embedded.stopImmediately()
        // Leave a pid file naming a live process that is not this cluster's server (our own test process).
        let stale = "\(getpid())\n\(embedded.dataDirectory)\n0\n5432\n/tmp\n127.0.0.1\n  0 0\nready\n"
        try stale.write(toFile: embedded.dataDirectory + "/postmaster.pid", atomically: true, encoding: .utf8)
        if geteuid() == 0 {
            if let pw = getpwnam("postgres") { chown(embedded.dataDirectory + "/postmaster.pid", pw.pointee.pw_uid, pw.pointee.pw_gid) }
        }
        let endpoint = try await embedded.start()
        try await TestCluster.withClient(endpoint.clientConfiguration()) { client in
            let one = try await StoreTest.scalar(client, "SELECT 1", as: Int.self)
            #expect(one == 1)
        }
        try await embedded.stop()
    }

    @Test("as a Service it runs until graceful shutdown, then stops the server")
    func service() async throws {
        let state = try TemporaryDirectory(prefix: "vigil-emb")
        defer { state.remove() }
        let embedded = EmbeddedPostgres(configuration: .init(stateDirectory: state.path, settings: TestPostgres.settings))
        _ = try await embedded.start()
        let group = ServiceGroup(configuration: .init(services: [embedded], logger: StoreTest.logger))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            #expect(PostmasterStatus.read(dataDirectory: embedded.dataDirectory)?.isRunning(dataDirectory: embedded.dataDirectory) == true)
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        #expect(PostmasterStatus.read(dataDirectory: embedded.dataDirectory) == nil)
    }
}
