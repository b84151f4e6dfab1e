import ArgumentParser

// Owned by the issue that builds it; replaced there.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "bench", abstract: "Not built yet.", shouldDisplay: false)

    func run() async throws {
        throw ValidationError("'vigil bench' is not built yet")
    }
}
