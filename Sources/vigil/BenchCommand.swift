import ArgumentParser

// Owned by the issue that builds it; replaced there. The store helper added the `sink` subcommand.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "bench", abstract: "Load benchmarks.", shouldDisplay: false,
                                                    subcommands: [BenchSinkCommand.self])
}
