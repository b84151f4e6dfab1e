import ArgumentParser
import VigilStore

struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Apply the database migrations embedded in this binary.",
        discussion: "Each migration runs in its own transaction under an advisory lock, so this is safe while other instances start. "
            + "A database migrated by a newer Vigil is refused."
    )

    @OptionGroup var options: StoreCommandOptions

    @Flag(name: .long, help: "List the pending migrations without applying them.")
    var dryRun = false

    func run() async throws {
        let config = try options.loadConfig()
        let logger = options.logger
        let dryRun = self.dryRun
        try await DatabaseSession.run(config, logger: logger) { client, database in
            let migrator = Migrator(logger: logger)
            let migrations = try await migrator.migrate(client, dryRun: dryRun)
            print("database: \(database.description)")
            if migrations.isEmpty {
                print("schema is up to date (version \(migrator.latestVersion))")
            } else {
                for migration in migrations { print("\(dryRun ? "pending" : "applied") \(migration)") }
                if !dryRun { print("schema is now at version \(migrator.latestVersion)") }
            }
            if let psql = database.psqlCommand { print("look at it with: \(psql)") }
        }
    }
}
