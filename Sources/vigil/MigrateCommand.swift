import ArgumentParser

// Owned by the issue that builds it; replaced there.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "migrate", abstract: "Not built yet.", shouldDisplay: false)

    func run() async throws {
        throw ValidationError("'vigil migrate' is not built yet")
    }
}
