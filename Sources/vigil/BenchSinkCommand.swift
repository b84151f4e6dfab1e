import ArgumentParser
import Foundation
import Logging
import PostgresNIO
import VigilDetection
import VigilEvents
import VigilStore

/// `vigil bench sink`: hits per second from `IncidentSink.submit` to committed incident rows.
struct BenchSinkCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sink",
        abstract: "Measure incident sink throughput into PostgreSQL (throwaway embedded cluster unless --config is given).",
        discussion: "Hits are generated before the clock starts; the time runs from the first submit until flush() returns, "
            + "i.e. every hit is committed. The throwaway cluster uses PostgreSQL's durable defaults (fsync on) unless --no-fsync."
    )

    @Option(name: .long, help: "Hits to submit.")
    var hits: Int = 100_000

    @Option(name: .long, help: "Distinct dedup keys (incidents) the hits spread over.")
    var keys: Int = 1000

    @Option(name: .long, help: "Evidence events per hit.")
    var evidence: Int = 1

    @Option(name: .long, help: "Evidence events kept per incident.")
    var evidenceCap: Int = 100

    @Option(name: .long, help: "Hits per transaction.")
    var batchSize: Int = 4000

    @Option(name: .long, help: "Concurrent producers (as detection shards).")
    var producers: Int = 2

    @Option(name: .long, help: "Hits per submit call.")
    var chunk: Int = 500

    @Option(name: .long, help: "Use the database of this configuration file instead of a throwaway cluster (writes real rows!).")
    var config: String?

    @Flag(name: .long, help: "Throwaway cluster with fsync and synchronous_commit off (an upper bound, not durable).")
    var noFsync = false

    func run() async throws {
        let logger: Logger = {
            var l = Logger(label: "vigil.bench")
            l.logLevel = .warning
            return l
        }()
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-bench-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
        chmod(state, 0o755)
        defer { try? FileManager.default.removeItem(atPath: state) }

        let storeConfig: StoreConfigFile
        var embedded: EmbeddedPostgres?
        if let config {
            storeConfig = try StoreConfigFile.load(path: config)
        } else {
            let settings = noFsync ? ["fsync": "off", "synchronous_commit": "off", "full_page_writes": "off"] : [:]
            let cluster = EmbeddedPostgres(configuration: .init(stateDirectory: state, settings: settings), logger: logger)
            let endpoint = try await cluster.start()
            embedded = cluster
            storeConfig = StoreConfigFile(database: .init(source: .server(.init(database: endpoint.database, tls: .disable,
                                                                                 unixSocketPath: endpoint.socketPath))),
                                          stateDirectory: state)
        }
        let generated = makeHits()
        print("generated \(generated.count) hits over \(keys) keys, \(evidence) evidence event(s) each")
        let sinkSettings = IncidentSinkSettings(evidenceCap: evidenceCap, batchSize: batchSize, queueCapacity: max(batchSize * 4, chunk * producers * 2))
        let (producers, chunk, hits) = (self.producers, self.chunk, self.hits)
        do {
            try await DatabaseSession.run(storeConfig, logger: logger) { client, database in
                try await Migrator(logger: logger).migrate(client)
                let before = try await Self.count(client)
                let sink = IncidentSink(client: client, settings: sinkSettings, spoolDirectory: state + "/spool", logger: logger)
                let elapsed = try await withThrowingTaskGroup(of: Void.self) { group -> Duration in
                    group.addTask { try await sink.run() }
                    let start = ContinuousClock.now
                    try await withThrowingTaskGroup(of: Void.self) { producersGroup in
                        for p in 0..<producers {
                            producersGroup.addTask {
                                var i = p * chunk
                                while i < generated.count {
                                    try await sink.submit(Array(generated[i..<min(generated.count, i + chunk)]))
                                    i += producers * chunk
                                }
                            }
                        }
                        try await producersGroup.waitForAll()
                    }
                    await sink.flush()
                    let elapsed = ContinuousClock.now - start
                    group.cancelAll()
                    return elapsed
                }
                let after = try await Self.count(client)
                let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
                let status = sink.status
                print("database: \(database.description)")
                print(String(format: "%d hits in %.2f s = %.0f hits/s (batch %d, %d producers, %d keys, %d evidence/hit)",
                             hits, seconds, Double(hits) / seconds, sinkSettings.batchSize, producers, keys, evidence))
                print("applied \(status.applied), spooled \(status.spooled), rejected \(status.rejected); incidents +\(after.incidents - before.incidents), "
                    + "hit timeline rows +\(after.ledger - before.ledger), evidence rows +\(after.evidence - before.evidence)")
                if after.ledger - before.ledger != hits {
                    throw ValidationError("expected \(hits) new hit rows in the timeline, found \(after.ledger - before.ledger)")
                }
            }
        } catch {
            try? await embedded?.stop()
            throw error
        }
        try? await embedded?.stop()
    }

    func makeHits() -> [Hit] {
        let t0 = Timestamp(seconds: 1_795_000_000)
        return (0..<hits).map { i in
            let key = i % max(1, keys)
            let events = (0..<evidence).map { e -> Event in
                let seq = UInt64(i * max(1, evidence) + e)
                var fields = Fields(minimumCapacity: 6)
                fields.append("host.name", .string("db-\(key % 50)"))
                fields.append("process.name", "sshd")
                fields.append("user.name", .string("user\(key)"))
                fields.append("source.ip", .string("203.0.113.\(key % 250)"))
                fields.append("event.outcome", "failure")
                let message = "Failed password for user\(key) from 203.0.113.\(key % 250) port \(40000 + e) ssh2"
                return Event(sequence: seq, customer: CustomerID("customer-\(key % 10)"), eventTime: t0 + .milliseconds(Int64(i)),
                             receivedTime: t0 + .milliseconds(Int64(i)), source: EventSource(listener: "bench", peer: "198.51.100.9", peerPort: 514),
                             format: .rfc5424, message: message, fields: fields,
                             raw: Array("<38>1 2026-11-18T11:06:40Z db-\(key % 50) sshd 4711 - - \(message)".utf8))
            }
            return Hit(ruleID: "ssh-brute-force-\(key % 20)", ruleTitle: "SSH brute force", customer: CustomerID("customer-\(key % 10)"),
                       level: [.low, .medium, .high][i % 3], group: [GroupValue(field: "user.name", value: "user\(key)")], evidence: events,
                       eventSequences: events.map(\.sequence), firstTime: t0 + .milliseconds(Int64(i)), lastTime: t0 + .milliseconds(Int64(i)),
                       count: max(1, evidence), summary: "failed SSH logins for user\(key)", responseSteps: ["Check the source", "Lock the account"],
                       tags: ["attack.t1110"])
        }
    }

    static func count(_ client: PostgresClient) async throws -> (incidents: Int, ledger: Int, evidence: Int) {
        let rows = try await client.query("""
            SELECT (SELECT count(*) FROM vigil.incidents), (SELECT count(*) FROM vigil.incident_timeline WHERE kind = 'hit'), (SELECT count(*) FROM vigil.incident_evidence)
            """)
        for try await row in rows.decode((Int, Int, Int).self) { return (row.0, row.1, row.2) }
        return (0, 0, 0)
    }
}
