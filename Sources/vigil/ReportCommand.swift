import ArgumentParser

// Owned by the issue that builds it; replaced there.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "report", abstract: "Not built yet.", shouldDisplay: false)

    func run() async throws {
        throw ValidationError("'vigil report' is not built yet")
    }
}
