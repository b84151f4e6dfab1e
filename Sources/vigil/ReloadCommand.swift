import ArgumentParser
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import VigilDaemon
import VigilIngest

struct ReloadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reload",
        abstract: "Ask the running daemon to reload its configuration and rules, and print the outcome.",
        discussion: "Equivalent to SIGHUP, but reports errors (file:line:col) back. Exits 1 when the reload was rejected."
    )

    @Option(name: .long, help: "The daemon's configuration file (for its HTTP address and state directory).")
    var config: String = "deploy/vigil.yml"

    func run() async throws {
        let configuration: VigilConfiguration
        do { configuration = try VigilConfiguration.load(path: config) } catch {
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            throw ExitCode(2)
        }
        guard let token = AdminToken.read(stateDirectory: configuration.stateDirectory) else {
            throw ValidationError("no admin token in \(configuration.stateDirectory); is the daemon running with this configuration?")
        }
        let host = configuration.httpAddress == "0.0.0.0" || configuration.httpAddress == "::" ? "127.0.0.1" : configuration.httpAddress
        var request = URLRequest(url: URL(string: "http://\(host):\(configuration.httpPort)/admin/reload")!)
        request.httpMethod = "POST"
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        let (data, response) = try await URLSession.shared.data(for: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard let outcome = try? JSONDecoder().decode(ReloadOutcome.self, from: data) else {
            throw ValidationError("unexpected answer (HTTP \(status)): \(String(decoding: data, as: UTF8.self))")
        }
        for message in outcome.messages { print(message) }
        if !outcome.applied { throw ExitCode(1) }
    }
}
