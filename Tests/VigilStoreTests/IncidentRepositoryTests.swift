import Foundation
import PostgresNIO
import Testing
import VigilDetection
import VigilEvents
import VigilIncidents
import VigilTestSupport
@testable import VigilStore

@Suite("Incident repository and lifecycle against PostgreSQL")
struct IncidentRepositoryTests {
    @Test("ack, resolve and close stamp times and actors, and each step lands in the timeline")
    func lifecycle() async throws {
        try await TestPostgres.withDatabase { client, _ in
            let clock = ManualClock(Fixtures.t0)
            let repository = IncidentRepository(client: client, clock: clock)
            try await StoreTest.withSink(client, clock: clock) { sink in
                try await sink.submit([Fixtures.hit(level: .high)])
                await sink.flush()
            }
            let id = try #require(try await repository.list().first?.id)
            clock.advance(by: .minutes(7))
            #expect(try await repository.acknowledge(id, by: "anna", note: "on it") == .changed(from: .new, to: .acknowledged))
            #expect(try await repository.acknowledge(id, by: "bob") == .unchanged(.acknowledged))
            clock.advance(by: .hours(2))
            try await repository.addNote(id, by: "anna", text: "customer informed")
            #expect(try await repository.resolve(id, by: "anna") == .changed(from: .acknowledged, to: .resolved))
            clock.advance(by: .hours(1))
            #expect(try await repository.close(id, by: "lead") == .changed(from: .resolved, to: .closed))
            await #expect(throws: LifecycleError.self) { try await repository.acknowledge(id, by: "late") }

            let incident = try #require(try await repository.incident(id))
            #expect(incident.status == .closed)
            #expect(incident.acknowledgedAt == Fixtures.t0 + .minutes(7) && incident.acknowledgedBy == "anna")
            #expect(incident.resolvedAt == Fixtures.t0 + .minutes(127) && incident.resolvedBy == "anna")
            #expect(incident.closedAt == Fixtures.t0 + .minutes(187) && incident.closedBy == "lead")
            let kinds = try await repository.timeline(id).map(\.entry.kind)
            #expect(kinds == [.created, .hit, .acknowledged, .note, .resolved, .closed])
            #expect(try await repository.list().isEmpty)
            #expect(try await repository.list(IncidentFilter(statuses: [.closed])).map(\.id) == [id])
        }
    }

    @Test("unknown ids give notFound")
    func notFound() async throws {
        try await TestPostgres.withDatabase { client, _ in
            let repository = IncidentRepository(client: client)
            do {
                _ = try await repository.acknowledge(424242, by: "x")
                Issue.record("expected notFound")
            } catch let error as StoreError {
                #expect(error.code == .notFound)
            }
            #expect(try await repository.incident(424242) == nil)
        }
    }

    @Test("list filters by customer and status, most urgent first")
    func listing() async throws {
        try await TestPostgres.withDatabase { client, _ in
            try await StoreTest.withSink(client) { sink in
                try await sink.submit([
                    Fixtures.hit(customer: "bank-nord", rule: "a", level: .low),
                    Fixtures.hit(customer: "bank-nord", rule: "b", level: .critical),
                    Fixtures.hit(customer: "leasing-sued", rule: "c", level: .high),
                ])
                await sink.flush()
            }
            let repository = IncidentRepository(client: client)
            #expect(try await repository.list().map(\.ruleID) == ["b", "c", "a"])
            #expect(try await repository.list(IncidentFilter(customer: "bank-nord")).map(\.ruleID) == ["b", "a"])
            #expect(try await repository.list(IncidentFilter(statuses: [.resolved])).isEmpty)
            var w = JSONWriter()
            try #require(try await repository.list().first).writeJSON(into: &w)
            let object = try JSONSerialization.jsonObject(with: Data(w.bytes)) as? [String: Any]
            #expect(object?["priority"] as? String == "P1")
            #expect(object?["customer"] as? String == "bank-nord")
        }
    }

    @Test("customer sync upserts, validates time zones and SLA text, and audits changes")
    func customers() async throws {
        try await TestPostgres.withDatabase { client, _ in
            let repository = IncidentRepository(client: client, clock: ManualClock(Fixtures.t0))
            let nord = CustomerRecord(id: "bank-nord", name: "Bank Nord", timeZone: "Europe/Berlin", businessHours: "mon-fri 08:00-18:00",
                                      slaOverrides: ["P1": "30m"])
            #expect(try await repository.syncCustomers([nord], actor: "playbooks/bank-nord.yml") == ["bank-nord"])
            #expect(try await repository.syncCustomers([nord]).isEmpty)
            var changed = nord
            changed.slaOverrides = ["P1": "15m"]
            #expect(try await repository.syncCustomers([changed]) == ["bank-nord"])
            #expect(try await repository.slaPolicies()["bank-nord"]?.target(for: .p1) == .minutes(15))
            let audit = try await StoreTest.column(client, "SELECT action FROM vigil.config_audit ORDER BY id", as: String.self)
            #expect(audit == ["created", "changed"])
            await #expect(throws: StoreError.self) {
                try await repository.syncCustomers([CustomerRecord(id: "x", timeZone: "Mars/Olympus")])
            }
            await #expect(throws: StoreError.self) {
                try await repository.syncCustomers([CustomerRecord(id: "x", slaOverrides: ["P1": "soon"])])
            }
        }
    }

    @Test("a lifecycle change sends NOTIFY vigil_incident_status")
    func statusNotify() async throws {
        try await TestPostgres.withDatabase { client, database in
            try await StoreTest.withSink(client) { sink in
                try await sink.submit([Fixtures.hit()])
                await sink.flush()
            }
            let listener = try await PostgresConnection.connect(configuration: .init(unixSocketPath: database.endpoint.socketPath,
                                                                                    username: database.endpoint.username, password: nil,
                                                                                    database: database.name),
                                                               id: 98, logger: StoreTest.logger)
            let notifications = try await listener.listen(IncidentRepository.statusChannel)
            let repository = IncidentRepository(client: client)
            let id = try #require(try await repository.list().first?.id)
            _ = try await repository.acknowledge(id, by: "anna")
            var iterator = notifications.makeAsyncIterator()
            #expect(try await iterator.next()?.payload == String(id))
            try await listener.close()
        }
    }
}
