import Metrics
import MetricsTestKit
import PostgresNIO
import Testing
import VigilDetection
import VigilEvents
import VigilIncidents
import VigilTestSupport
@testable import VigilStore

/// `vigil_incidents_created_total` / `vigil_incidents_reopened_total` from the real sink against PostgreSQL.
/// The sink takes the task-local metrics factory it is created under, so the global one is never bootstrapped.
@Suite("Incident sink metrics")
struct IncidentSinkMetricsTests {
    static func total(_ metrics: TestMetrics, _ label: String, customer: String, priority: String) -> Int64 {
        metrics.counters(label: label, dimensions: [("customer", customer), ("priority", priority)]).reduce(0) { $0 + $1.totalValue }
    }

    @Test("new incidents count by customer and priority once committed; updates and duplicates do not count")
    func createdByPriority() async throws {
        let metrics = TestMetrics()
        try await TestPostgres.withDatabase { client, _ in
            let scan = [GroupValue(field: "source.ip", value: "198.51.100.9")]
            let p3 = Fixtures.hit()                                    // medium level, default grades: P3
            let p1 = Fixtures.hit(level: .critical, group: scan, impact: .high, urgency: .high)
            let otherCustomer = Fixtures.hit(customer: "shop-sued")
            try await withMetricsFactory(metrics) {
                try await StoreTest.withSink(client) { sink in
                    try await sink.submit([p3, p1, otherCustomer])
                    await sink.flush()
                    // More hits for open incidents update them; a hit seen before is a duplicate.
                    try await sink.submit([Fixtures.hit(firstSequence: 50), p3])
                    await sink.flush()
                }
            }
            let priorities = try await StoreTest.column(client, "SELECT priority FROM vigil.incidents ORDER BY priority", as: String.self)
            #expect(priorities == ["P1", "P3", "P3"])
            #expect(Self.total(metrics, IncidentCounters.createdLabel, customer: "bank-nord", priority: "P3") == 1)
            #expect(Self.total(metrics, IncidentCounters.createdLabel, customer: "bank-nord", priority: "P1") == 1)
            #expect(Self.total(metrics, IncidentCounters.createdLabel, customer: "shop-sued", priority: "P3") == 1)
            #expect(Self.total(metrics, IncidentCounters.reopenedLabel, customer: "bank-nord", priority: "P3") == 0)
            // Every priority of a seen customer exists from the start, at 0, so increase() sees the first one.
            #expect(metrics.counters(label: IncidentCounters.createdLabel, dimensions: [("customer", "bank-nord"), ("priority", "P5")]).count == 1)
            #expect(Self.total(metrics, IncidentCounters.createdLabel, customer: "bank-nord", priority: "P5") == 0)
        }
    }

    @Test("a hit after its incident was resolved opens a new incident that counts as created and reopened")
    func reopened() async throws {
        let metrics = TestMetrics()
        try await TestPostgres.withDatabase { client, _ in
            try await withMetricsFactory(metrics) {
                try await StoreTest.withSink(client) { sink in
                    try await sink.submit([Fixtures.hit()])
                    await sink.flush()
                    let id = try #require(try await IncidentRepository(client: client).list().first?.id)
                    _ = try await IncidentRepository(client: client).resolve(id, by: "analyst")
                    try await sink.submit([Fixtures.hit(firstSequence: 90)])
                    await sink.flush()
                }
            }
            #expect(try await StoreTest.scalar(client, "SELECT count(*) FROM vigil.incidents WHERE reopened_from IS NOT NULL", as: Int.self) == 1)
            #expect(Self.total(metrics, IncidentCounters.createdLabel, customer: "bank-nord", priority: "P3") == 2)
            #expect(Self.total(metrics, IncidentCounters.reopenedLabel, customer: "bank-nord", priority: "P3") == 1)
        }
    }

    @Test("a batch that is rolled back (the database refuses it) counts no incident")
    func rolledBackCountsNothing() async throws {
        let metrics = TestMetrics()
        try await TestPostgres.withDatabase { client, _ in
            try await withMetricsFactory(metrics) {
                try await StoreTest.withSink(client) { sink in
                    try await client.query("ALTER TABLE vigil.incidents ADD CONSTRAINT refuse_all CHECK (hit_count < 0) NOT VALID", logger: StoreTest.logger)
                    try await sink.submit([Fixtures.hit()])
                    await sink.flush()
                    #expect(sink.status.rejected == 1)
                }
            }
            #expect(try await StoreTest.scalar(client, "SELECT count(*) FROM vigil.incidents", as: Int.self) == 0)
            #expect(metrics.counters(label: IncidentCounters.createdLabel).reduce(0) { $0 + $1.totalValue } == 0)
        }
    }
}
