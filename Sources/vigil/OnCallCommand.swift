import ArgumentParser

// Owned by the issue that builds it; replaced there.
struct OnCallCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "oncall", abstract: "Not built yet.", shouldDisplay: false)

    func run() async throws {
        throw ValidationError("'vigil oncall' is not built yet")
    }
}
