import Logging
import PostgresNIO
import ServiceLifecycle
import VigilStore

/// The database side of the daemon: embedded cluster (if any), client, schema setup, incident sink.
/// Listed first in the service group, so they stop last, after the shards have handed over every hit.
struct StorageServices {
    var services: [ServiceGroupConfiguration.ServiceConfiguration] = []
    var sink: IncidentSink?
    var client: PostgresClient?

    static func make(config: VigilConfiguration, options: DaemonOptions, readiness: Readiness, logger: Logger,
                     afterMigration: @escaping @Sendable (PostgresClient) async throws -> Void = { _ in }) async throws -> StorageServices {
        guard let settings = config.database else {
            logger.notice("database: none — hits are not stored")
            return StorageServices()
        }
        var databaseLogger = Logger(label: "vigil.database")
        databaseLogger.logLevel = logger.logLevel
        let prepared = try await PreparedDatabase.prepare(settings, stateDirectory: config.stateDirectory, logger: databaseLogger)
        logger.info("database", metadata: ["where": "\(prepared.description)", "psql": "\(prepared.psqlCommand ?? "-")"])
        var out = StorageServices()
        if let embedded = prepared.embedded { out.services.append(.init(service: embedded)) }
        var background = databaseLogger
        background.logLevel = max(logger.logLevel, .warning)
        let client = PostgresClient(configuration: prepared.configuration, backgroundLogger: background)
        out.client = client
        out.services.append(.init(service: client))
        let sink = IncidentSink(client: client, settings: config.incidents, spoolDirectory: config.stateDirectory + "/spool",
                                clock: options.clock, logger: Logger(label: "vigil.incident-sink"))
        out.sink = sink
        out.services.append(.init(service: DatabaseSetupService(client: client, readiness: readiness, logger: databaseLogger,
                                                                afterMigration: afterMigration),
                                  successTerminationBehavior: .ignore))
        out.services.append(.init(service: sink))
        readiness.setDatabaseProbe { sink.status.databaseAvailable ? .reachable : .spooling }
        return out
    }
}
