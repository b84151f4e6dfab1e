import ArgumentParser
import Foundation
import VigilDaemon
import VigilDetection
import VigilIngest
import VigilStore

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the daemon: listeners, detection, incidents, paging.",
        discussion: "SIGTERM/SIGINT stop it gracefully; SIGHUP reloads the configuration and rules."
    )

    @Option(name: .long, help: "The configuration file (YAML).")
    var config: String = "deploy/vigil.yml"

    @Flag(name: .long, help: "Write each parsed event to stdout as one JSON line.")
    var printEvents = false

    @Flag(name: .long, help: "Write each detection hit to stdout as one JSON line.")
    var printHits = false

    func run() async throws {
        do {
            try await VigilDaemon.run(configPath: config, options: DaemonOptions(printEvents: printEvents, printHits: printHits))
        } catch let errors as ConfigErrors {
            FileHandle.standardError.write(Data((errors.description + "\n").utf8))
            throw ExitCode(2)
        } catch let error as EmbeddedPostgresError {
            FileHandle.standardError.write(Data(("vigil: \(error)\n").utf8))
            throw ExitCode(2)
        } catch let failure as RuleLoadFailure {
            FileHandle.standardError.write(Data((failure.description + "\n").utf8))
            throw ExitCode(2)
        } catch let error as ExtractorLoadError {
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            throw ExitCode(2)
        }
    }
}
