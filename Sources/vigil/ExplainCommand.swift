import ArgumentParser

// Owned by the issue that builds it; replaced there.
struct ExplainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "explain", abstract: "Not built yet.", shouldDisplay: false)

    func run() async throws {
        throw ValidationError("'vigil explain' is not built yet")
    }
}
