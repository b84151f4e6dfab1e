import ArgumentParser
import Foundation
import Logging
import VigilDaemon
import VigilStore

/// `vigil bench page`: p50/p99/max from incident commit to the webhook request, on a throwaway PostgreSQL.
struct BenchPageCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "page",
        abstract: "Measure paging latency: incident commit → the notifier's outgoing HTTP request (throwaway embedded cluster).",
        discussion: "Each incident is committed with NOTIFY vigil_incident as the incident sink does, then the paging engine routes it, "
            + "writes the outbox, claims the page and POSTs it to a receiver on 127.0.0.1. Incidents are paced by --interval. "
            + "The cluster uses PostgreSQL's durable defaults (fsync on) unless --no-fsync."
    )

    @Option(name: .long, help: "Incidents to measure.") var count: Int = 1000
    @Option(name: .long, help: "Incidents before measuring.") var warmup: Int = 20
    @Option(name: .long, help: "Milliseconds between incidents.") var intervalMs: Int = 20
    @Flag(name: .long, help: "Throwaway cluster with fsync and synchronous_commit off.") var noFsync = false

    func run() async throws {
        let logger: Logger = {
            var l = Logger(label: "vigil.bench")
            l.logLevel = .warning
            return l
        }()
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-bench-page-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
        chmod(state, 0o755)
        defer { try? FileManager.default.removeItem(atPath: state) }
        let settings = noFsync ? ["fsync": "off", "synchronous_commit": "off", "full_page_writes": "off"] : [:]
        let cluster = EmbeddedPostgres(configuration: .init(stateDirectory: state, settings: settings), logger: logger)
        let endpoint = try await cluster.start()
        let storeConfig = StoreConfigFile(database: .init(source: .server(.init(database: endpoint.database, tls: .disable,
                                                                                unixSocketPath: endpoint.socketPath))),
                                          stateDirectory: state)
        let benchmark = PageLatencyBenchmark(count: count, warmup: warmup, interval: .milliseconds(intervalMs))
        do {
            let result = try await DatabaseSession.run(storeConfig, logger: logger) { client, _ in
                try await benchmark.run(client: client, logger: logger)
            }
            print("paging latency, \(count) incidents \(intervalMs) ms apart (after \(warmup) warm-up), fsync \(noFsync ? "off" : "on"):")
            print("  commit returned → webhook request: " + PageLatencyBenchmark.Result.summary(result.fromCommit))
            print("  COMMIT sent     → webhook request: " + PageLatencyBenchmark.Result.summary(result.fromCommitStart))
            if result.lost > 0 { print("  LOST: \(result.lost) page(s) did not arrive within 10 s") }
        } catch {
            try? await cluster.stop()
            throw error
        }
        try? await cluster.stop()
    }
}
