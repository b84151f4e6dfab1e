import ArgumentParser
import Foundation
import VigilDaemon

struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure Vigil from outside.",
        subcommands: [BenchSendCommand.self, BenchSinkCommand.self, BenchPageCommand.self]
    )
}

struct BenchSendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send",
        abstract: "Send a file's lines over N TCP connections as fast as the receiver takes them.",
        discussion: "With --metrics, waits until the receiver's vigil_ingest_parsed_total has grown by every message sent, so the figure is end-to-end."
    )

    @Option(help: "The file to send, one message per line.") var file: String
    @Option(help: "Receiver host.") var host = "127.0.0.1"
    @Option(help: "Receiver port.") var port: Int
    @Option(help: "Parallel connections.") var connections = 4
    @Option(help: "Framing: lf or octet.") var framing = "octet"
    @Option(name: .customLong("repeat"), help: "How many times each connection sends the file.") var repeatCount = 1
    @Option(help: "The receiver's metrics URL, e.g. http://127.0.0.1:9514/metrics.") var metrics: String?

    func run() async throws {
        guard let framingMode = LoadGenerator.Framing(rawValue: framing) else {
            throw ValidationError("--framing must be lf or octet")
        }
        guard let data = FileManager.default.contents(atPath: file) else { throw ValidationError("cannot read \(file)") }
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        let generator = LoadGenerator(host: host, port: port, connections: connections, framing: framingMode,
                                      repeatCount: repeatCount, metricsURL: metrics.flatMap(URL.init(string:)))
        let report = try await generator.run(lines: lines)
        var text = "sent \(report.messages) messages (\(report.bytes) bytes) over \(connections) connections in "
            + String(format: "%.3f s: %.0f msgs/s, %.1f MB/s", report.seconds, report.messagesPerSecond, Double(report.bytes) / report.seconds / 1e6)
        if let confirmed = report.confirmed { text += "; receiver parsed \(confirmed)" }
        print(text)
    }
}
