import Foundation
import PostgresNIO
import Testing
import VigilDetection
import VigilEvents
import VigilIncidents
import VigilTestSupport
@testable import VigilStore

@Suite("Incident sink against PostgreSQL")
struct IncidentSinkTests {
    @Test("hits with one dedup key make one incident with counts, evidence and a timeline entry per hit")
    func aggregate() async throws {
        try await TestPostgres.withDatabase { client, _ in
            let hits = (0..<5).map { Fixtures.hit(events: 2, firstSequence: UInt64($0 * 10)) }
            try await StoreTest.withSink(client) { sink in
                try await sink.submit(Array(hits[0..<2]))
                try await sink.submit(Array(hits[2...]))
                await sink.flush()
            }
            let incidents = try await IncidentRepository(client: client).list()
            #expect(incidents.count == 1)
            let incident = try #require(incidents.first)
            #expect(incident.hitCount == 5)
            #expect(incident.eventCount == 10)
            #expect(incident.evidenceCount == 10)
            #expect(incident.priority == .p3)
            #expect(incident.status == .new)
            #expect(incident.detectedAt == Fixtures.t0)
            #expect(incident.dueAt == Fixtures.t0 + .hours(24))
            #expect(incident.firstEventAt == Fixtures.t0 + .seconds(0))
            #expect(incident.lastEventAt == Fixtures.t0 + .seconds(41))
            #expect(incident.group == [GroupValue(field: "source.ip", value: "203.0.113.7")])
            #expect(incident.responseSteps.count == 2)
            let timeline = try await IncidentRepository(client: client).timeline(incident.id)
            #expect(timeline.filter { $0.entry.kind == .hit }.count == 5)
            #expect(timeline.first?.entry.kind == .created)
            let ledger = try await StoreTest.scalar(client, "SELECT count(*) FROM vigil.incident_timeline WHERE kind = 'hit' AND incident_id = \(incident.id)", as: Int.self)
            #expect(ledger == 5)
        }
    }

    @Test("times keep their microseconds through the database")
    func precision() async throws {
        try await TestPostgres.withDatabase { client, _ in
            var hit = Fixtures.hit()
            hit.firstTime = Fixtures.t0 + .milliseconds(2)
            hit.lastTime = Fixtures.t0 + .nanoseconds(3_000_123_000)
            let exact = hit
            try await StoreTest.withSink(client, clock: ManualClock(Fixtures.t0 + .nanoseconds(7_000))) { sink in
                try await sink.submit([exact])
                await sink.flush()
            }
            let incident = try #require(try await IncidentRepository(client: client).list().first)
            #expect(incident.firstEventAt == Fixtures.t0 + .milliseconds(2))
            #expect(incident.lastEventAt == Fixtures.t0 + .nanoseconds(3_000_123_000))
            #expect(incident.detectedAt == Fixtures.t0 + .nanoseconds(7_000))
        }
    }

    @Test("a hit applied twice (spool replay) counts once")
    func exactlyOnce() async throws {
        try await TestPostgres.withDatabase { client, _ in
            let hit = Fixtures.hit()
            try await StoreTest.withSink(client) { sink in
                try await sink.submit([hit, hit])
                await sink.flush()
                try await sink.submit([hit])
                await sink.flush()
                #expect(sink.status.duplicates == 2)
            }
            #expect(try await StoreTest.scalar(client, "SELECT hit_count FROM vigil.incidents", as: Int32.self) == 1)
            #expect(try await StoreTest.scalar(client, "SELECT count(*) FROM vigil.incident_timeline WHERE kind = 'hit'", as: Int.self) == 1)
        }
    }

    @Test("concurrent writers (two sinks, as two instances) keep one open incident per dedup key and lose no hit")
    func concurrentWriters() async throws {
        try await TestPostgres.withDatabase(maxConnections: 8) { client, _ in
            let keys = (0..<20).map { [GroupValue(field: "user.name", value: "user\($0)")] }
            let perSink = 600
            let make: @Sendable (Int) -> [Hit] = { seed in
                (0..<perSink).map { i in Fixtures.hit(group: keys[(i * 7 + seed) % keys.count], firstSequence: UInt64(seed * 10_000 + i)) }
            }
            let batches = [make(1), make(2), make(3)]
            try await withThrowingTaskGroup(of: Void.self) { group in
                for hits in batches {
                    group.addTask {
                        try await StoreTest.withSink(client, settings: IncidentSinkSettings(batchSize: 37)) { sink in
                            for chunk in stride(from: 0, to: hits.count, by: 50) {
                                try await sink.submit(Array(hits[chunk..<min(hits.count, chunk + 50)]))
                            }
                            try await StoreTest.drain(sink)
                        }
                    }
                }
                try await group.waitForAll()
            }
            let openPerKey = try await StoreTest.column(client, """
                SELECT count(*) FROM vigil.incidents WHERE status IN ('new','acknowledged') GROUP BY dedup_key
                """, as: Int.self)
            #expect(openPerKey.count == keys.count)
            #expect(openPerKey.allSatisfy { $0 == 1 })
            #expect(try await StoreTest.scalar(client, "SELECT sum(hit_count)::int8 FROM vigil.incidents", as: Int64.self) == Int64(3 * perSink))
            #expect(try await StoreTest.scalar(client, "SELECT count(DISTINCT hit_id) FROM vigil.incident_timeline WHERE kind = 'hit'", as: Int.self) == 3 * perSink)
            #expect(try await StoreTest.scalar(client, "SELECT count(*) FROM vigil.incident_timeline WHERE kind = 'hit'", as: Int.self) == 3 * perSink)
        }
    }

    @Test("after resolution the next hit opens a new incident linked through reopened_from")
    func reopen() async throws {
        try await TestPostgres.withDatabase { client, _ in
            let clock = ManualClock(Fixtures.t0)
            let repository = IncidentRepository(client: client, clock: clock)
            try await StoreTest.withSink(client, clock: clock) { sink in
                try await sink.submit([Fixtures.hit()])
                await sink.flush()
                let first = try #require(try await repository.list().first)
                clock.advance(by: .minutes(10))
                #expect(try await repository.resolve(first.id, by: "anna", note: "blocked") == .changed(from: .new, to: .resolved))
                clock.advance(by: .minutes(10))
                try await sink.submit([Fixtures.hit()])
                await sink.flush()
                let open = try await repository.list()
                #expect(open.count == 1)
                let second = try #require(open.first)
                #expect(second.id != first.id)
                #expect(second.reopenedFrom == first.id)
                #expect(second.hitCount == 1)
                _ = try await repository.close(second.id, by: "anna")
                try await sink.submit([Fixtures.hit()])
                await sink.flush()
                let third = try #require(try await repository.list().first)
                #expect(third.reopenedFrom == second.id)
                let created = try await repository.timeline(third.id).first
                #expect(created?.entry.detail.contains("reopens incident \(second.id)") == true)
            }
        }
    }

    @Test("a rise in level re-prioritises the open incident, moves its due time, and is recorded")
    func levelRise() async throws {
        try await TestPostgres.withDatabase { client, _ in
            let clock = ManualClock(Fixtures.t0)
            try await StoreTest.withSink(client, clock: clock) { sink in
                try await sink.submit([Fixtures.hit(level: .low)])
                await sink.flush()
                clock.advance(by: .minutes(5))
                try await sink.submit([Fixtures.hit(level: .critical)])
                await sink.flush()
            }
            let incident = try #require(try await IncidentRepository(client: client).list().first)
            #expect(incident.level == .critical)
            #expect(incident.priority == .p1)
            #expect(incident.dueAt == Fixtures.t0 + .hours(1))
            let changes = try await IncidentRepository(client: client).timeline(incident.id).filter { $0.entry.kind == .priorityChanged }
            #expect(changes.count == 1)
            #expect(changes.first?.entry.from == "P4" && changes.first?.entry.to == "P1")
            #expect(changes.first?.entry.at == Fixtures.t0 + .minutes(5))
        }
    }

    @Test("evidence stops at the cap; the overflow is counted")
    func evidenceCap() async throws {
        try await TestPostgres.withDatabase { client, _ in
            try await StoreTest.withSink(client, settings: IncidentSinkSettings(evidenceCap: 7, batchSize: 2)) { sink in
                for i in 0..<5 { try await sink.submit([Fixtures.hit(events: 3, firstSequence: UInt64(i * 3))]) }
                await sink.flush()
            }
            let incident = try #require(try await IncidentRepository(client: client).list().first)
            #expect(incident.evidenceCount == 7)
            #expect(incident.evidenceOverflow == 8)
            #expect(try await StoreTest.scalar(client, "SELECT count(*) FROM vigil.incident_evidence", as: Int.self) == 7)
            let evidence = try await IncidentRepository(client: client).evidence(incident.id)
            #expect(evidence.map(\.sequence) == Array(0..<7))
        }
    }

    @Test("customer SLA overrides set the due time")
    func slaOverride() async throws {
        try await TestPostgres.withDatabase { client, _ in
            let repository = IncidentRepository(client: client)
            try await repository.syncCustomers([CustomerRecord(id: "bank-nord", name: "Bank Nord", timeZone: "Europe/Berlin", slaOverrides: ["P3": "4h"])])
            let policies = try await repository.slaPolicies()
            try await StoreTest.withSink(client) { sink in
                sink.setSLAPolicies(policies)
                try await sink.submit([Fixtures.hit()])
                await sink.flush()
            }
            #expect(try await repository.list().first?.dueAt == Fixtures.t0 + .hours(4))
        }
    }

    @Test("SQL injection through rule ids, group values, messages and fields is stored as plain text")
    func injection() async throws {
        try await TestPostgres.withDatabase { client, _ in
            let nasty = "x'); DROP TABLE vigil.incidents; --"
            var fields = Fields()
            fields.append("user.name", .string("admin'--"))
            fields.append("cmd", .string("'; DELETE FROM vigil.incident_timeline; SELECT '"))
            fields.append(#"weird"key'); DROP SCHEMA vigil CASCADE; --"#, .string("$$; DROP TABLE x; $$"))
            var hit = Fixtures.hit(customer: "bank-nord", rule: nasty, group: [GroupValue(field: "user.name", value: "Robert'); DROP TABLE students;--")],
                                   summary: "\\'; SELECT pg_sleep(10); --")
            hit.ruleTitle = "\"; TRUNCATE vigil.incidents; --"
            hit.evidence = [Fixtures.event(1, message: "' OR '1'='1", fields: fields)]
            hit.tags = ["'); DROP TABLE vigil.customers; --"]
            let injected = hit
            try await StoreTest.withSink(client) { sink in
                try await sink.submit([injected])
                await sink.flush()
                #expect(sink.status.applied == 1)
            }
            let incident = try #require(try await IncidentRepository(client: client).list().first)
            #expect(incident.ruleID == nasty)
            #expect(incident.ruleTitle == hit.ruleTitle)
            #expect(incident.summary == hit.summary)
            #expect(incident.group == hit.group)
            #expect(incident.tags == hit.tags)
            let evidence = try #require(try await IncidentRepository(client: client).evidence(incident.id).first)
            #expect(evidence.message == "' OR '1'='1")
            #expect(evidence.fieldsJSON.contains("DROP SCHEMA vigil CASCADE"))
            #expect(try await StoreTest.scalar(client, "SELECT count(*) FROM vigil.incident_timeline", as: Int.self) == 2)
            // The lookups by customer and key work with the same text.
            let listed = try await IncidentRepository(client: client).list(IncidentFilter(customer: "x' OR '1'='1"))
            #expect(listed.isEmpty)
        }
    }

    @Test("NUL bytes in event fields and names are stored (as U+FFFD) instead of failing the batch")
    func nulBytes() async throws {
        try await TestPostgres.withDatabase { client, _ in
            var fields = Fields()
            fields.append("user.name", .string("ro\0ot"))
            var hit = Fixtures.hit(group: [GroupValue(field: "user.name", value: "ro\0ot")], summary: "user ro\0ot")
            hit.evidence = [Fixtures.event(1, message: "a\0b", fields: fields, raw: [0x61, 0x00, 0x62])]
            let withNUL = hit
            try await StoreTest.withSink(client) { sink in
                try await sink.submit([withNUL])
                await sink.flush()
                #expect(sink.status.applied == 1)
                #expect(sink.status.rejected == 0)
            }
            let incident = try #require(try await IncidentRepository(client: client).list().first)
            #expect(incident.summary == "user ro\u{FFFD}ot")
            let evidence = try #require(try await IncidentRepository(client: client).evidence(incident.id).first)
            #expect(evidence.raw == [0x61, 0x00, 0x62])
            #expect(evidence.message == "a\u{FFFD}b")
        }
    }

    @Test("creating or re-triggering an incident sends NOTIFY vigil_incident with its id in the same transaction")
    func notify() async throws {
        try await TestPostgres.withDatabase { client, database in
            let listener = try await PostgresConnection.connect(configuration: .init(unixSocketPath: database.endpoint.socketPath,
                                                                                    username: database.endpoint.username, password: nil,
                                                                                    database: database.name),
                                                               id: 99, logger: StoreTest.logger)
            let notifications = try await listener.listen(IncidentWriter.notifyChannel)
            try await StoreTest.withSink(client) { sink in
                try await sink.submit([Fixtures.hit()])
                await sink.flush()
            }
            var iterator = notifications.makeAsyncIterator()
            let first = try await iterator.next()
            let id = try await StoreTest.scalar(client, "SELECT id FROM vigil.incidents", as: Int64.self)
            #expect(first?.payload == String(id))
            try await listener.close()
        }
    }
}

@Suite("Incident sink: parallel writers")
struct ParallelWritersTests {
    @Test("a batch is split by dedup key: disjoint, order kept within each key")
    func partition() {
        let hits = (0..<600).map { i in Fixtures.detected(Fixtures.hit(group: [GroupValue(field: "k", value: "\(i % 7)")], firstSequence: UInt64(i))) }
        let lanes = IncidentSink.partition(hits, lanes: 3)
        #expect(lanes.map(\.count).reduce(0, +) == hits.count)
        var laneOfKey: [String: Int] = [:]
        for (n, lane) in lanes.enumerated() {
            for hit in lane {
                let key = hit.key.rawValue
                #expect(laneOfKey[key, default: n] == n, "a key is split over two writers")
                laneOfKey[key] = n
            }
            let sequences = lane.map { $0.hit.eventSequences[0] }
            #expect(sequences == sequences.sorted())
        }
        #expect(IncidentSink.partition(hits, lanes: 1).count == 1)
    }

    @Test("two writers apply a large batch completely, each key's evidence in arrival order")
    func twoWriters() async throws {
        try await TestPostgres.withDatabase(maxConnections: 4) { client, _ in
            let hits = (0..<1500).map { i in Fixtures.hit(group: [GroupValue(field: "k", value: "\(i % 30)")], firstSequence: UInt64(i)) }
            try await StoreTest.withSink(client, settings: IncidentSinkSettings(evidenceCap: 1000, batchSize: 1500, writers: 2)) { sink in
                try await sink.submit(hits)
                try await StoreTest.drain(sink)
            }
            #expect(try await StoreTest.scalar(client, "SELECT count(*) FROM vigil.incidents", as: Int.self) == 30)
            #expect(try await StoreTest.scalar(client, "SELECT sum(hit_count)::int8 FROM vigil.incidents", as: Int64.self) == 1500)
            let outOfOrder = try await StoreTest.scalar(client, """
                SELECT count(*) FROM (SELECT event_sequence < lag(event_sequence) OVER (PARTITION BY incident_id ORDER BY id) AS back
                                      FROM vigil.incident_evidence) x WHERE back
                """, as: Int.self)
            #expect(outOfOrder == 0)
        }
    }
}
