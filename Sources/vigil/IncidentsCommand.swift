import ArgumentParser

// Owned by the issue that builds it; replaced there.
struct IncidentsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "incidents", abstract: "Not built yet.", shouldDisplay: false)

    func run() async throws {
        throw ValidationError("'vigil incidents' is not built yet")
    }
}
