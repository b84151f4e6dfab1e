import Logging
import PostgresNIO

/// The configured database made ready: for `embedded`, the cluster is started (or attached to) first.
public struct PreparedDatabase: Sendable {
    /// Ready for `PostgresClient(configuration:)`.
    public var configuration: PostgresClient.Configuration
    /// The embedded cluster, when the configuration says `embedded`; run it as a Service (it stops on shutdown).
    public var embedded: EmbeddedPostgres?
    /// How to look at the data with psql.
    public var psqlCommand: String?
    /// Where it is, without secrets.
    public var description: String

    /// Starts or attaches to the embedded cluster, or resolves the server settings (password, TLS).
    public static func prepare(_ settings: DatabaseSettings, stateDirectory: String,
                               logger: Logger = Logger(label: "vigil.database")) async throws -> PreparedDatabase {
        switch settings.source {
        case .embedded(let options):
            let embedded = EmbeddedPostgres(configuration: .init(stateDirectory: stateDirectory, port: options.port), logger: logger)
            let endpoint = try await embedded.start()
            var configuration = endpoint.clientConfiguration()
            configuration.options.maximumConnections = settings.maxConnections
            return PreparedDatabase(configuration: configuration, embedded: embedded, psqlCommand: endpoint.psqlCommand,
                                    description: "embedded PostgreSQL in \(stateDirectory)/postgres (port \(endpoint.port))")
        case .server(let server):
            var configuration = try server.clientConfiguration()
            configuration.options.maximumConnections = settings.maxConnections
            return PreparedDatabase(configuration: configuration, embedded: nil, psqlCommand: nil, description: settings.description)
        }
    }
}

extension PreparedDatabase {
    /// Runs a temporary client while `body` runs (for migrations before the daemon's services start).
    public func withTemporaryClient<T: Sendable>(logger: Logger = Logger(label: "vigil.database"),
                                                 _ body: @Sendable (PostgresClient) async throws -> T) async throws -> T {
        var background = logger
        background.logLevel = max(logger.logLevel, .error)  // connection retries are not news for a short session
        let client = PostgresClient(configuration: configuration, backgroundLogger: background)
        return try await withThrowingTaskGroup(of: Void.self) { group -> T in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            return try await body(client)
        }
    }
}

/// A short-lived database session for a command-line tool: prepares the database, runs a client, calls `body`,
/// then shuts the client down and stops the embedded cluster if this process started it.
public enum DatabaseSession {
    public static func run<T: Sendable>(_ config: StoreConfigFile, logger: Logger = Logger(label: "vigil.database"),
                                        _ body: @Sendable (PostgresClient, PreparedDatabase) async throws -> T) async throws -> T {
        let prepared = try await PreparedDatabase.prepare(config.database, stateDirectory: config.stateDirectory, logger: logger)
        let outcome: Result<T, any Error>
        do {
            let value = try await prepared.withTemporaryClient(logger: logger) { client in try await body(client, prepared) }
            outcome = .success(value)
        } catch {
            outcome = .failure(error)
        }
        try? await prepared.embedded?.stop()
        return try outcome.get()
    }
}
