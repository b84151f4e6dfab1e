import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle
import Testing
import VigilDetection
import VigilEvents
import VigilIncidents
import VigilTestSupport
@testable import VigilStore

@Suite("Durability: database outages")
struct SpoolReplayOutageTests {
    static let settings = IncidentSinkSettings(batchSize: 100, queueCapacity: 1000, retrySeconds: 0.2, applyTimeoutSeconds: 3)

    @Test("stop and restart PostgreSQL while hits flow: every hit ends up in exactly one incident")
    func outage() async throws {
        try await TestPostgres.withCluster(port: try FreePort.find()) { cluster in
            let database = try await cluster.createDatabase()
            let spool = try TemporaryDirectory(prefix: "vigil-spool")
            defer { spool.remove() }
            let keys = (0..<25).map { [GroupValue(field: "user.name", value: "u\($0)")] }
            let rounds = 30, perRound = 40
            let all = (0..<rounds).map { r in (0..<perRound).map { i in Fixtures.hit(group: keys[(r * perRound + i) % keys.count], firstSequence: UInt64(r * 1000 + i)) } }

            let spooledDuringOutage = try await cluster.withClient(database, maxConnections: 4) { client in
                try await StoreTest.withSink(client, settings: Self.settings, spoolDirectory: spool.path) { sink -> Int in
                    for round in 0..<rounds {
                        if round == 10 {
                            await sink.flush()
                            try await cluster.embedded.stopImmediately()
                        }
                        try await sink.submit(all[round])
                        if round == 20 {
                            await sink.flush()
                            #expect(sink.status.spooled > 0)
                            #expect(sink.status.databaseAvailable == false)
                            _ = try await cluster.embedded.start()
                        }
                    }
                    await sink.flush()
                    let drained = try await StoreTest.eventually { sink.status.spoolPendingHits == 0 && sink.status.queueDepth == 0 }
                    #expect(drained, "the spool was not replayed: \(sink.status)")
                    return sink.status.spooled
                }
            }
            #expect(spooledDuringOutage >= 10 * perRound)
            try await cluster.withClient(database) { client in
                let total = rounds * perRound
                #expect(try await StoreTest.scalar(client, "SELECT count(*) FROM vigil.incident_timeline WHERE kind = 'hit'", as: Int.self) == total)
                #expect(try await StoreTest.scalar(client, "SELECT sum(hit_count)::int8 FROM vigil.incidents", as: Int64.self) == Int64(total))
                #expect(try await StoreTest.scalar(client, "SELECT count(*) FROM vigil.incidents", as: Int.self) == keys.count)
                #expect(try await StoreTest.scalar(client, """
                    SELECT count(*) FROM (SELECT hit_id FROM vigil.incident_timeline WHERE kind = 'hit' GROUP BY hit_id HAVING count(*) <> 1) d
                    """, as: Int.self) == 0)
                #expect(try await StoreTest.scalar(client, "SELECT count(DISTINCT hit_id) FROM vigil.incident_timeline WHERE kind = 'hit'", as: Int.self) == total)
                let ids = Set(all.flatMap { $0 }.map(\.id))
                let stored = Set(try await StoreTest.column(client, "SELECT hit_id FROM vigil.incident_timeline WHERE kind = 'hit'", as: UUID.self))
                #expect(ids.subtracting(stored).count == 0, "hits missing from the timeline")
                #expect(stored.subtracting(ids).count == 0, "unknown hits in the timeline")
            }
            try await cluster.dropDatabase(database)
        }
    }

    @Test("a spool left by a previous run is replayed on start")
    func replayOnStart() async throws {
        try await TestPostgres.withDatabase { client, _ in
            let spool = try TemporaryDirectory(prefix: "vigil-spool")
            defer { spool.remove() }
            let hits = (0..<30).map { Fixtures.detected(Fixtures.hit(group: [GroupValue(field: "k", value: "\($0 % 3)")], firstSequence: UInt64($0))) }
            do {
                let file = try HitSpool(directory: spool.path, logger: StoreTest.logger)
                try file.append(hits)
            }
            try await StoreTest.withSink(client, settings: Self.settings, spoolDirectory: spool.path) { sink in
                let drained = try await StoreTest.eventually { sink.status.replayed == hits.count }
                #expect(drained)
                #expect(sink.status.spoolPendingHits == 0)
            }
            #expect(try await StoreTest.scalar(client, "SELECT count(*) FROM vigil.incident_timeline WHERE kind = 'hit'", as: Int.self) == 30)
            #expect(try await StoreTest.scalar(client, "SELECT count(*) FROM vigil.incidents", as: Int.self) == 3)
            // The spool kept the detection time.
            #expect(try await StoreTest.scalar(client, "SELECT count(*) FROM vigil.incidents WHERE detected_at = \(Fixtures.t0.instant)", as: Int.self) == 3)
        }
    }

    @Test("a hit the database refuses goes to rejected.spool; the rest of its batch is applied")
    func poison() async throws {
        try await TestPostgres.withDatabase { client, _ in
            let spool = try TemporaryDirectory(prefix: "vigil-spool")
            defer { spool.remove() }
            // An empty customer id violates CHECK (id <> '') on vigil.customers (SQLSTATE 23514).
            let poisoned = Fixtures.hit(customer: "", rule: "poison")
            let good = (0..<4).map { Fixtures.hit(rule: "good\($0)") }
            try await StoreTest.withSink(client, settings: Self.settings, spoolDirectory: spool.path) { sink in
                try await sink.submit(Array(good[0..<2]) + [poisoned] + Array(good[2...]))
                await sink.flush()
                #expect(sink.status.rejected == 1)
                #expect(sink.status.applied == 4)
            }
            #expect(try await StoreTest.scalar(client, "SELECT count(*) FROM vigil.incidents", as: Int.self) == 4)
            #expect(FileManager.default.fileExists(atPath: spool.file("rejected.spool")))
        }
    }

    @Test("a full spool stops intake (submit suspends) instead of dropping")
    func fullSpool() async throws {
        let dir = try TemporaryDirectory(prefix: "vigil-spool")
        defer { dir.remove() }
        // A client to a server that does not exist: every batch times out as unavailable.
        let configuration = PostgresClient.Configuration(unixSocketPath: dir.file("nothing/.s.PGSQL.1"), username: "x", password: nil, database: "x")
        let settings = IncidentSinkSettings(batchSize: 10, queueCapacity: 20, spoolMaxBytes: 1 << 20, retrySeconds: 0.05, applyTimeoutSeconds: 0.2)
        try await TestCluster.withClient(configuration) { client in
            try await StoreTest.withSink(client, settings: settings, spoolDirectory: dir.path) { sink in
                let big = (0..<300).map { _ in Fixtures.hit(events: 40) }  // ~ 10 kB each, 3 MB in all
                let producer = Task {
                    var accepted = 0
                    for hit in big {
                        try await sink.submit([hit])
                        accepted += 1
                    }
                    return accepted
                }
                let full = try await StoreTest.eventually(seconds: 120) { sink.status.spoolBytes >= settings.spoolMaxBytes }
                #expect(full)
                // With the spool full, the queue fills and the producer waits.
                let blocked = try await StoreTest.eventually(seconds: 10) { sink.status.queueDepth >= settings.queueCapacity - 1 }
                #expect(blocked)
                let spooled = sink.status.spooled
                #expect(spooled < big.count)
                producer.cancel()
                _ = try? await producer.value
                #expect(sink.status.spooled == spooled)
            }
        }
    }
}

@Suite("Durability: graceful shutdown")
struct GracefulShutdownTests {
    @Test("graceful shutdown with the database away writes the queue to the spool and returns")
    func shutdownSpools() async throws {
        let dir = try TemporaryDirectory(prefix: "vigil-spool")
        defer { dir.remove() }
        let configuration = PostgresClient.Configuration(unixSocketPath: dir.file("nothing/.s.PGSQL.1"), username: "x", password: nil, database: "x")
        let settings = IncidentSinkSettings(batchSize: 10, queueCapacity: 1000, retrySeconds: 0.1, applyTimeoutSeconds: 0.3)
        let hits = (0..<100).map { Fixtures.hit(firstSequence: UInt64($0)) }
        try await TestCluster.withClient(configuration) { client in
            let sink = IncidentSink(client: client, settings: settings, spoolDirectory: dir.path, clock: ManualClock(Fixtures.t0), logger: StoreTest.logger)
            let group = ServiceGroup(configuration: .init(services: [sink], logger: StoreTest.logger))
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                try await sink.submit(hits)
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
            }
        }
        let spool = try HitSpool(directory: dir.path, logger: StoreTest.logger)
        #expect(spool.pendingRecords == hits.count)
        #expect(try spool.read(maxHits: 1000).hits.map(\.hit.id) == hits.map(\.id))
    }
}
