import ArgumentParser

// Owned by the issue that builds it; replaced there.
struct EvalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "eval", abstract: "Not built yet.", shouldDisplay: false)

    func run() async throws {
        throw ValidationError("'vigil eval' is not built yet")
    }
}
