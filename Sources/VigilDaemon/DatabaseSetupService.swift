import Logging
import PostgresNIO
import ServiceLifecycle
import VigilStore

/// Brings the schema up to date (retrying while the database is away; hits spool meanwhile), then runs
/// the post-migration steps (customers from the playbooks, SLA policies) and stays until shutdown.
final class DatabaseSetupService: Service {
    private let client: PostgresClient
    private let readiness: Readiness
    private let logger: Logger
    private let afterMigration: @Sendable (PostgresClient) async throws -> Void

    init(client: PostgresClient, readiness: Readiness, logger: Logger,
         afterMigration: @escaping @Sendable (PostgresClient) async throws -> Void) {
        self.client = client
        self.readiness = readiness
        self.logger = logger
        self.afterMigration = afterMigration
    }

    func run() async throws {
        readiness.setDatabase(.connecting)
        var failures = 0
        while !Task.isCancelledOrShuttingDown {
            do {
                let applied = try await Migrator(logger: logger).migrate(client)
                if !applied.isEmpty {
                    logger.info("database migrated", metadata: ["applied": "\(applied.map(\.description).joined(separator: ", "))"])
                }
                try await afterMigration(client)
                readiness.setDatabase(.reachable)
                break
            } catch let error as MigrationError where error.code == .schemaNewer {
                logger.critical("\(error.message)")
                throw error
            } catch {
                failures += 1
                readiness.setDatabase(.spooling)
                if failures == 1 || failures % 30 == 0 {
                    logger.warning("database not reachable yet; hits are spooled locally until it is",
                                   metadata: ["error": "\(String(reflecting: error))", "attempts": "\(failures)"])
                }
                try? await Task.sleep(for: .seconds(2))
            }
        }
        try? await gracefulShutdown()
    }
}

extension Task where Success == Never, Failure == Never {
    static var isCancelledOrShuttingDown: Bool { isCancelled || isShuttingDownGracefully }
}
