import Foundation
import PostgresNIO
import Testing
import VigilDetection
import VigilEvents
import VigilIncidents
import VigilTestSupport
@testable import VigilStore

@Suite("Analyst views and the management report")
struct ViewsAndReportTests {
    /// Three incidents of bank-a (Europe/Berlin), detected 2026-11-18 11:06:40Z (12:06 local):
    /// r1/P3 acked after 10 min, resolved after 2 h (within 24 h); r1/P1 acked after 30 min, resolved after 3 h (misses 1 h);
    /// r2/P5 (informational, no target) still open. One bank-b incident that bank-a's figures must not include.
    static func populate(_ client: PostgresClient) async throws -> (p3: Int64, p1: Int64, p5: Int64) {
        let clock = ManualClock(Fixtures.t0)
        let repository = IncidentRepository(client: client, clock: clock)
        try await repository.syncCustomers([CustomerRecord(id: "bank-a", timeZone: "Europe/Berlin"), CustomerRecord(id: "bank-b", timeZone: "UTC")])
        try await StoreTest.withSink(client, clock: clock) { sink in
            try await sink.submit([
                Fixtures.hit(customer: "bank-a", rule: "r1", level: .medium, group: [GroupValue(field: "host.name", value: "h1")]),
                Fixtures.hit(customer: "bank-a", rule: "r1", level: .critical, group: [GroupValue(field: "host.name", value: "h2")]),
                Fixtures.hit(customer: "bank-a", rule: "r2", level: .informational),
                Fixtures.hit(customer: "bank-b", rule: "r9", level: .high),
            ])
            await sink.flush()
        }
        let all = try await repository.list(IncidentFilter(customer: "bank-a"))
        let p3 = try #require(all.first { $0.priority == .p3 }).id
        let p1 = try #require(all.first { $0.priority == .p1 }).id
        let p5 = try #require(all.first { $0.priority == .p5 }).id
        clock.set(Fixtures.t0 + .minutes(10)); _ = try await repository.acknowledge(p3, by: "anna")
        clock.set(Fixtures.t0 + .minutes(30)); _ = try await repository.acknowledge(p1, by: "anna")
        clock.set(Fixtures.t0 + .hours(2)); _ = try await repository.resolve(p3, by: "anna")
        clock.set(Fixtures.t0 + .hours(3)); _ = try await repository.resolve(p1, by: "anna")
        return (p3, p1, p5)
    }

    @Test("v_incident_metrics: MTTA, MTTR and % within target per customer, priority and month")
    func metrics() async throws {
        try await TestPostgres.withDatabase { client, _ in
            _ = try await Self.populate(client)
            let rows = try await client.query("""
                SELECT priority, month::text, incidents, acknowledged, resolved, extract(epoch FROM mtta)::float8, extract(epoch FROM mttr)::float8,
                       resolved_within_target, pct_resolved_within_target::float8
                FROM vigil.v_incident_metrics WHERE customer_id = 'bank-a' ORDER BY priority
                """)
            var seen: [String: (Int, Double?, Double?, Double?)] = [:]
            for try await (p, month, n, _, _, mtta, mttr, _, pct) in rows.decode((String, String, Int, Int, Int, Double?, Double?, Int, Double?).self) {
                #expect(month == "2026-11-01")
                seen[p] = (n, mtta, mttr, pct)
            }
            #expect(seen["P3"]?.0 == 1 && seen["P3"]?.1 == 600 && seen["P3"]?.2 == 7200 && seen["P3"]?.3 == 100)
            #expect(seen["P1"]?.1 == 1800 && seen["P1"]?.2 == 10800 && seen["P1"]?.3 == 0)
            #expect(seen["P5"]?.0 == 1 && seen["P5"]?.3 == nil)
        }
    }

    @Test("v_incidents_by_hour counts in the customer's local time; v_rule_pareto accumulates to 100 %")
    func hourAndPareto() async throws {
        try await TestPostgres.withDatabase { client, _ in
            _ = try await Self.populate(client)
            let hours = try await StoreTest.column(client, "SELECT hour_of_day FROM vigil.v_incidents_by_hour WHERE customer_id = 'bank-a'", as: Int.self)
            #expect(hours == [12])
            let pareto = try await client.query("""
                SELECT rule_id, incidents, rank, pct::float8, cumulative_pct::float8 FROM vigil.v_rule_pareto WHERE customer_id = 'bank-a' ORDER BY rank
                """)
            var rows: [(String, Int, Int, Double, Double)] = []
            for try await row in pareto.decode((String, Int, Int, Double, Double).self) { rows.append(row) }
            #expect(rows.map(\.0) == ["r1", "r2"])
            #expect(rows.map(\.1) == [2, 1])
            #expect(rows.map(\.4) == [66.7, 100])
        }
    }

    @Test("v_open_incidents lists open incidents only")
    func openView() async throws {
        try await TestPostgres.withDatabase { client, _ in
            let ids = try await Self.populate(client)
            let open = try await StoreTest.column(client, "SELECT id FROM vigil.v_open_incidents WHERE customer_id = 'bank-a'", as: Int64.self)
            #expect(open == [ids.p5])
        }
    }

    @Test("the report gives open incidents by priority and age, period figures, hours and the Pareto, for one customer")
    func report() async throws {
        try await TestPostgres.withDatabase { client, _ in
            _ = try await Self.populate(client)
            let repository = IncidentRepository(client: client)
            let query = IncidentReport.Query(customer: "bank-a", from: Fixtures.t0 - .days(1), to: Fixtures.t0 + .days(1), now: Fixtures.t0 + .hours(5))
            let report = try await repository.report(query)
            #expect(report.open.count == 1)
            #expect(report.open.first?.priority == .p5)
            #expect(report.open.first?.under8h == 1)
            #expect(report.total.incidents == 3)
            #expect(report.total.acknowledged == 2)
            #expect(report.total.resolved == 2)
            #expect(report.total.mtta == .minutes(20))
            #expect(report.total.mttr == .minutes(150))
            #expect(report.total.percentWithinTarget == 50)
            #expect(report.byHour[12] == 3)
            #expect(report.byHour.reduce(0, +) == 3)
            #expect(report.pareto.map(\.ruleID) == ["r1", "r2"])
            #expect(report.pareto.last?.cumulativePercent == 100)
            #expect(report.text.contains("MTTA"))
            let json = try JSONSerialization.jsonObject(with: Data(report.json.utf8)) as? [String: Any]
            #expect((json?["by_hour"] as? [Int])?[12] == 3)
            let everyone = try await repository.report(IncidentReport.Query(from: query.from, to: query.to, now: query.now))
            #expect(everyone.total.incidents == 4)
        }
    }
}
