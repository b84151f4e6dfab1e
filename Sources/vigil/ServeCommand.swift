import ArgumentParser

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve", abstract: "Run the daemon.")

    @Option(name: .long, help: "The configuration file (YAML).")
    var config: String = "deploy/vigil.yml"

    @Flag(name: .long, help: "Write each parsed event to stdout as one JSON line.")
    var printEvents = false

    func run() async throws {
        throw ValidationError("not built yet")
    }
}
