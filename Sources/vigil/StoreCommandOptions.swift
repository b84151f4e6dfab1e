import ArgumentParser
import Foundation
import Logging
import VigilStore

/// Options shared by the commands that open the incident database.
struct StoreCommandOptions: ParsableArguments {
    @Option(name: .long, help: "The configuration file (YAML); its database: and state_dir: keys are used.")
    var config: String = StoreConfigFile.defaultPath

    @Flag(name: .long, help: "Log database and cluster activity.")
    var verbose = false

    func loadConfig() throws -> StoreConfigFile {
        guard FileManager.default.fileExists(atPath: config) else {
            throw ValidationError("configuration file \(config) not found (use --config FILE)")
        }
        return try StoreConfigFile.load(path: config)
    }

    var logger: Logger {
        var logger = Logger(label: "vigil")
        logger.logLevel = verbose ? .info : .warning
        return logger
    }

    /// Opens the database (starting or attaching to the embedded cluster) and checks the schema version.
    func withRepository<T: Sendable>(_ body: @Sendable (IncidentRepository) async throws -> T) async throws -> T {
        let config = try loadConfig()
        let logger = self.logger
        return try await DatabaseSession.run(config, logger: logger) { client, _ in
            try await Migrator(logger: logger).verify(client)
            return try await body(IncidentRepository(client: client, logger: logger))
        }
    }
}
