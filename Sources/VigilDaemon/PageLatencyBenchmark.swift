import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import PostgresNIO
import ServiceLifecycle
import Synchronization
import VigilEvents
import VigilOnCall
import VigilStore

/// Measures paging latency: from the commit of a new incident (with its `NOTIFY vigil_incident`, as the incident sink
/// writes it) to the moment the webhook request reaches a receiver on 127.0.0.1. The whole engine path is included:
/// notification, routing, the escalation machine, the outbox transaction, the claim transaction, rendering, signing the
/// acknowledgement link, and the HTTP request. Incidents are paced, so each latency is one page's, not a queue's.
public struct PageLatencyBenchmark: Sendable {
    public var count: Int
    public var warmup: Int
    /// Pause between incidents.
    public var interval: Duration

    public init(count: Int = 1000, warmup: Int = 20, interval: Duration = .milliseconds(20)) {
        self.count = count
        self.warmup = warmup
        self.interval = interval
    }

    /// Latencies in milliseconds.
    public struct Result: Sendable {
        /// From the moment COMMIT returned to the moment the page arrived.
        public var fromCommit: [Double]
        /// From the moment COMMIT was sent (includes the commit itself: a conservative figure).
        public var fromCommitStart: [Double]
        /// Pages that did not arrive within 10 s.
        public var lost: Int

        public static func percentile(_ values: [Double], _ p: Double) -> Double {
            guard !values.isEmpty else { return .nan }
            let sorted = values.sorted()
            let rank = Int((p / 100 * Double(sorted.count)).rounded(.up)) - 1
            return sorted[min(max(rank, 0), sorted.count - 1)]
        }

        public static func summary(_ values: [Double]) -> String {
            String(format: "n=%d p50=%.1f ms p90=%.1f ms p99=%.1f ms max=%.1f ms mean=%.1f ms", values.count, percentile(values, 50),
                   percentile(values, 90), percentile(values, 99), values.max() ?? .nan, values.reduce(0, +) / Double(max(1, values.count)))
        }
    }

    /// Arrival times by idempotency key.
    final class Arrivals: Sendable {
        private let times = Mutex<[String: Timestamp]>([:])
        func record(_ key: String, at t: Timestamp) { times.withLock { if $0[key] == nil { $0[key] = t } } }
        func time(_ key: String) -> Timestamp? { times.withLock { $0[key] } }
    }

    public func run(client: PostgresClient, logger: Logger) async throws -> Result {
        let clock = SystemClock()
        try await Migrator(logger: logger).migrate(client)
        let arrivals = Arrivals()
        let router = Router()
        router.post("/page") { request, _ -> HTTPResponse.Status in
            arrivals.record(request.headers[HTTPField.Name("Idempotency-Key")!] ?? "", at: clock.now)
            return .ok
        }
        let (portStream, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: "bench-receiver"),
                              onServerRunning: { channel in portContinuation.yield(channel.localAddress?.port ?? 0) }, logger: logger)
        let receiverGroup = ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: [], cancellationSignals: [], logger: logger))
        return try await withThrowingTaskGroup(of: Void.self) { group -> Result in
            group.addTask { try await receiverGroup.run() }
            var ports = portStream.makeAsyncIterator()
            guard let port = await ports.next() else { throw CancellationError() }
            let yaml = """
                version: 1
                people:
                  - {id: oncall, name: On Call, contacts: [{webhook: "http://127.0.0.1:\(port)/page"}]}
                policies:
                  - {id: page, steps: [{name: duty, targets: [{person: oncall}], delay: 10m}]}
                default_policy: page
                """
            let config = try OnCallConfigLoader.load(yaml: yaml, file: "bench-oncall.yml")
            _ = try await OnCallConfigStore(client: client, logger: logger).apply(config, source: .init(path: "bench-oncall.yml", bytes: Array(yaml.utf8)),
                                                                                    actor: "vigil bench page")
            let signer = try AckLinkSigner(secret: Secret(UUID().uuidString + UUID().uuidString))
            let engine = PagingEngine(client: client, settings: PagingSettings(instanceName: "bench", ackLinks: AckLinks(baseURL: "http://127.0.0.1", signer: signer)),
                                      clock: clock, logger: logger)
            group.addTask { try await engine.run() }
            while engine.runtime == nil { try await Task.sleep(for: .milliseconds(20)) }
            try await Task.sleep(for: .milliseconds(200))

            var result = Result(fromCommit: [], fromCommitStart: [], lost: 0)
            try await client.withConnection { connection in
                try await connection.query("INSERT INTO vigil.customers (id, name) VALUES ('bench', 'Bench AG') ON CONFLICT DO NOTHING", logger: logger)
                for i in 0..<(warmup + count) {
                    try await connection.query("BEGIN", logger: logger)
                    let now = Date(timeIntervalSince1970: Double(clock.now.nanoseconds) / 1e9)
                    var id: Int64 = 0
                    for try await value in try await connection.query("""
                        INSERT INTO vigil.incidents (customer_id, rule_id, rule_title, dedup_key, level, impact, urgency, priority, first_event_at,
                            last_event_at, detected_at, created_at, updated_at, hit_count, event_count, summary, response_steps, group_values)
                        VALUES ('bench', 'ssh-brute-force', 'SSH brute force', \("bench-\(UUID().uuidString)"), 'high', 'high', 'medium', 'P2',
                            \(now), \(now), \(now), \(now), \(now), 1, 5, 'failed SSH logins', ARRAY['Block the source'], '[]')
                        RETURNING id
                        """, logger: logger).decode(Int64.self) { id = value }
                    try await connection.query("SELECT pg_notify('vigil_incident', \(String(id)))", logger: logger)
                    let commitStart = clock.now
                    try await connection.query("COMMIT", logger: logger)
                    let committed = clock.now
                    let key = "\(id)/1/oncall.webhook/1"
                    let deadline = ContinuousClock.now + .seconds(10)
                    var arrived: Timestamp?
                    while arrived == nil, ContinuousClock.now < deadline {
                        arrived = arrivals.time(key)
                        if arrived == nil { try await Task.sleep(for: .milliseconds(1)) }
                    }
                    if i >= warmup {
                        if let arrived {
                            result.fromCommit.append(Double((arrived - committed).nanoseconds) / 1e6)
                            result.fromCommitStart.append(Double((arrived - commitStart).nanoseconds) / 1e6)
                        } else {
                            result.lost += 1
                        }
                    }
                    try await Task.sleep(for: interval)
                }
            }
            engine.stop()
            await receiverGroup.triggerGracefulShutdown()
            try await group.waitForAll()
            return result
        }
    }
}
