import Foundation
import Logging
import PostgresNIO
import Synchronization
import VigilStore

/// Throwaway PostgreSQL for tests, built on ``EmbeddedPostgres``.
///
/// - `TestPostgres.withDatabase { client, db in … }`: a fresh database (migrated unless told otherwise) in a
///   cluster shared by the whole test process, started on first use and stopped at exit. Fast: one initdb per run.
/// - `TestPostgres.withCluster { cluster in … }`: a private cluster the test may stop and restart (outage tests).
///
/// Test clusters trade durability for speed (fsync off). When tests run as root, the server runs as `postgres`.
public enum TestPostgres {
    /// Settings for test clusters: fast, and roomy enough for parallel tests.
    public static let settings: [String: String] = [
        "fsync": "off", "synchronous_commit": "off", "full_page_writes": "off", "max_connections": "300",
        "shared_buffers": "64MB",
    ]

    /// A database created for one test.
    public struct Database: Sendable {
        public var name: String
        public var endpoint: EmbeddedPostgres.Endpoint
        /// A client configuration for this database (Unix socket, superuser).
        public var configuration: PostgresClient.Configuration { endpoint.clientConfiguration(database: name) }
        public var psqlCommand: String { "psql -h \(endpoint.socketDirectory) -p \(endpoint.port) -U \(endpoint.username) \(name)" }
    }

    /// Runs `body` against a new database in the shared cluster, with a running client; drops it afterwards.
    public static func withDatabase<T: Sendable>(migrated: Bool = true, maxConnections: Int = 4,
                                                 _ body: @Sendable (PostgresClient, Database) async throws -> T) async throws -> T {
        let cluster = try await SharedCluster.instance.cluster()
        return try await cluster.withDatabase(migrated: migrated, maxConnections: maxConnections, body)
    }

    /// Settings for private clusters that tests crash on purpose: commits must survive a server crash
    /// (`synchronous_commit` on; fsync stays off, as the machine itself does not crash).
    public static let crashSafeSettings: [String: String] = settings.filter { $0.key != "synchronous_commit" }

    /// Runs `body` with a private cluster of its own (stopped and deleted afterwards).
    public static func withCluster<T: Sendable>(port: Int? = nil, _ body: @Sendable (TestCluster) async throws -> T) async throws -> T {
        let dir = try TemporaryDirectory(prefix: "vigil-pg")
        let cluster = TestCluster(embedded: EmbeddedPostgres(configuration: .init(stateDirectory: dir.path, port: port, settings: crashSafeSettings),
                                                             logger: Logger(label: "vigil.test-postgres")))
        do {
            _ = try await cluster.embedded.start()
            let result = try await body(cluster)
            try? await cluster.embedded.stop()
            dir.remove()
            return result
        } catch {
            try? await cluster.embedded.stop()
            dir.remove()
            throw error
        }
    }
}

/// One test cluster: an ``EmbeddedPostgres`` and helpers to make databases in it.
public struct TestCluster: Sendable {
    public let embedded: EmbeddedPostgres

    public init(embedded: EmbeddedPostgres) {
        self.embedded = embedded
    }

    public func endpoint() async throws -> EmbeddedPostgres.Endpoint {
        if let endpoint = await embedded.currentEndpoint { return endpoint }
        return try await embedded.start()
    }

    /// Creates a database named `vigil_test_<random>`; migrated with the embedded migrations unless `migrated` is false.
    public func createDatabase(migrated: Bool = true) async throws -> TestPostgres.Database {
        let endpoint = try await endpoint()
        let name = "vigil_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16)
        try await admin(endpoint) { connection in
            try await connection.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name) TEMPLATE template0 ENCODING 'UTF8'"), logger: TestCluster.logger)
        }
        let database = TestPostgres.Database(name: String(name), endpoint: endpoint)
        if migrated {
            try await withClient(database, maxConnections: 2) { client in
                try await Migrator(logger: TestCluster.logger).migrate(client)
            }
        }
        return database
    }

    public func dropDatabase(_ database: TestPostgres.Database) async throws {
        let endpoint = try await endpoint()
        try await admin(endpoint) { connection in
            try await connection.query(PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(database.name) WITH (FORCE)"), logger: TestCluster.logger)
        }
    }

    public func withDatabase<T: Sendable>(migrated: Bool = true, maxConnections: Int = 4,
                                          _ body: @Sendable (PostgresClient, TestPostgres.Database) async throws -> T) async throws -> T {
        let database = try await createDatabase(migrated: migrated)
        do {
            let result = try await withClient(database, maxConnections: maxConnections) { client in try await body(client, database) }
            try? await dropDatabase(database)
            return result
        } catch {
            try? await dropDatabase(database)
            throw error
        }
    }

    /// Runs a `PostgresClient` for `database` while `body` runs.
    public func withClient<T: Sendable>(_ database: TestPostgres.Database, maxConnections: Int = 4,
                                        _ body: @Sendable (PostgresClient) async throws -> T) async throws -> T {
        var configuration = database.configuration
        configuration.options.maximumConnections = maxConnections
        return try await TestCluster.withClient(configuration, body)
    }

    public static func withClient<T: Sendable>(_ configuration: PostgresClient.Configuration,
                                               _ body: @Sendable (PostgresClient) async throws -> T) async throws -> T {
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group -> T in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            return try await body(client)
        }
    }

    private func admin(_ endpoint: EmbeddedPostgres.Endpoint, _ body: (PostgresConnection) async throws -> Void) async throws {
        let connection = try await PostgresConnection.connect(configuration: .init(unixSocketPath: endpoint.socketPath, username: endpoint.username,
                                                                                   password: nil, database: "postgres"),
                                                              id: 0, logger: TestCluster.logger)
        do {
            try await body(connection)
            try await connection.close()
        } catch {
            try? await connection.close()
            throw error
        }
    }

    static let logger: Logger = {
        var logger = Logger(label: "vigil.test-postgres")
        logger.logLevel = .error
        return logger
    }()
}

/// The process-wide cluster behind `TestPostgres.withDatabase`, started once and stopped at exit.
final class SharedCluster: Sendable {
    static let instance = SharedCluster()

    private let state = Mutex<Task<TestCluster, any Error>?>(nil)

    func cluster() async throws -> TestCluster {
        let task = state.withLock { current -> Task<TestCluster, any Error> in
            if let current { return current }
            let started = Task { () throws -> TestCluster in
                let dir = try TemporaryDirectory(prefix: "vigil-pgs")
                let embedded = EmbeddedPostgres(configuration: .init(stateDirectory: dir.path, settings: TestPostgres.settings),
                                                logger: Logger(label: "vigil.test-postgres"))
                _ = try await embedded.start()
                SharedCluster.registerCleanup(stateDirectory: dir.path, dataDirectory: embedded.dataDirectory)
                return TestCluster(embedded: embedded)
            }
            current = started
            return started
        }
        return try await task.value
    }

    nonisolated(unsafe) static var cleanupStateDirectory: String?
    nonisolated(unsafe) static var cleanupCommand: String?

    /// Stops the server with `pg_ctl -m immediate` and deletes its directory when the test process exits.
    static func registerCleanup(stateDirectory: String, dataDirectory: String) {
        let binaries = (try? PostgresBinaries.locate())?.directory ?? "/usr/lib/postgresql/15/bin"
        var command = "'\(binaries)/pg_ctl' stop -D '\(dataDirectory)' -m immediate -w -s >/dev/null 2>&1"
        if geteuid() == 0 { command = "runuser -u postgres -- " + command }
        cleanupCommand = command + "; rm -rf '\(stateDirectory)'"
        cleanupStateDirectory = stateDirectory
        atexit {
            if let command = SharedCluster.cleanupCommand { _ = system(command) }
        }
    }
}
