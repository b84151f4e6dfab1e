import ArgumentParser

// Owned by the issue that builds it; replaced there.
struct RulesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "rules", abstract: "Not built yet.", shouldDisplay: false)

    func run() async throws {
        throw ValidationError("'vigil rules' is not built yet")
    }
}
