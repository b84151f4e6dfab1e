import Foundation
import PostgresNIO
import Testing
import VigilTestSupport
@testable import VigilStore

@Suite("Roles and row-level security")
struct RowLevelSecurityTests {
    @Test("an analyst mapped to customer A sees A's rows and 0 rows of B, in tables and views; analysts cannot write")
    func analystIsolation() async throws {
        try await TestPostgres.withDatabase(maxConnections: 2) { client, database in
            try await StoreTest.withSink(client) { sink in
                try await sink.submit([Fixtures.hit(customer: "bank-a", rule: "r1"), Fixtures.hit(customer: "bank-a", rule: "r2"),
                                       Fixtures.hit(customer: "bank-b", rule: "r1")])
                await sink.flush()
            }
            let suffix = database.name.suffix(8)
            let analystA = "analyst_a_\(suffix)", analystB = "analyst_b_\(suffix)", team = "team_\(suffix)"
            for statement in [
                "CREATE ROLE \(analystA) LOGIN IN ROLE vigil_analyst",
                "CREATE ROLE \(team) NOLOGIN IN ROLE vigil_analyst",
                "CREATE ROLE \(analystB) LOGIN IN ROLE \(team)",
                "INSERT INTO vigil.analyst_customers (role_name, customer_id) VALUES ('\(analystA)', 'bank-a'), ('\(team)', 'bank-b')",
            ] {
                try await client.query(PostgresQuery(unsafeSQL: statement))
            }
            // One connection, so SET ROLE applies to every query that follows.
            try await client.withConnection { connection in
                func count(_ sql: String) async throws -> Int {
                    var n = -1
                    for try await value in try await connection.query(PostgresQuery(unsafeSQL: sql), logger: StoreTest.logger).decode(Int.self) { n = value }
                    return n
                }
                try await connection.query(PostgresQuery(unsafeSQL: "SET ROLE \(analystA)"), logger: StoreTest.logger)
                #expect(try await count("SELECT count(*) FROM vigil.incidents WHERE customer_id = 'bank-b'") == 0)
                #expect(try await count("SELECT count(*) FROM vigil.incidents") == 2)
                #expect(try await count("SELECT count(*) FROM vigil.incident_timeline WHERE customer_id = 'bank-b'") == 0)
                #expect(try await count("SELECT count(*) FROM vigil.incident_evidence WHERE customer_id = 'bank-b'") == 0)
                #expect(try await count("SELECT count(*) FROM vigil.v_open_incidents WHERE customer_id = 'bank-b'") == 0)
                #expect(try await count("SELECT count(*) FROM vigil.v_rule_pareto WHERE customer_id = 'bank-b'") == 0)
                #expect(try await count("SELECT count(*) FROM vigil.v_incident_metrics WHERE customer_id = 'bank-b'") == 0)
                #expect(try await count("SELECT count(*) FROM vigil.customers") == 1)
                #expect(try await count("SELECT count(*) FROM vigil.analyst_customers") == 1)
                do {
                    try await connection.query("UPDATE vigil.incidents SET status = 'closed'", logger: StoreTest.logger)
                    Issue.record("an analyst could update incidents")
                } catch let error as PSQLError {
                    #expect(error.serverInfo?[.sqlState] == "42501")
                }
                do {
                    try await connection.query("INSERT INTO vigil.incident_timeline (incident_id, customer_id, at, kind, actor, detail) SELECT id, customer_id, now(), 'note', 'x', 'x' FROM vigil.incidents", logger: StoreTest.logger)
                    Issue.record("an analyst could write to the timeline")
                } catch let error as PSQLError {
                    #expect(error.serverInfo?[.sqlState] == "42501")
                }
                try await connection.query("RESET ROLE", logger: StoreTest.logger)
                // A member of a mapped team role sees that team's customer only.
                try await connection.query(PostgresQuery(unsafeSQL: "SET ROLE \(analystB)"), logger: StoreTest.logger)
                #expect(try await count("SELECT count(*) FROM vigil.incidents WHERE customer_id = 'bank-a'") == 0)
                #expect(try await count("SELECT count(*) FROM vigil.incidents") == 1)
                try await connection.query("RESET ROLE", logger: StoreTest.logger)
            }
            for role in [analystB, team, analystA] {
                try await client.query(PostgresQuery(unsafeSQL: "DELETE FROM vigil.analyst_customers WHERE role_name = '\(role)'"))
                try await client.query(PostgresQuery(unsafeSQL: "DROP OWNED BY \(role)"))
                try await client.query(PostgresQuery(unsafeSQL: "DROP ROLE \(role)"))
            }
        }
    }

    @Test("the daemon role reads and writes through the policies")
    func daemonRole() async throws {
        try await TestPostgres.withDatabase(maxConnections: 2) { client, database in
            let daemon = "daemon_\(database.name.suffix(8))"
            try await client.query(PostgresQuery(unsafeSQL: "CREATE ROLE \(daemon) LOGIN IN ROLE vigil_daemon"))
            var configuration = database.configuration
            configuration.username = daemon
            try await TestCluster.withClient(configuration) { daemonClient in
                try await StoreTest.withSink(daemonClient) { sink in
                    try await sink.submit([Fixtures.hit(customer: "bank-a")])
                    await sink.flush()
                    #expect(sink.status.applied == 1)
                }
                let id = try #require(try await IncidentRepository(client: daemonClient).list().first?.id)
                #expect(try await IncidentRepository(client: daemonClient).acknowledge(id, by: "anna") == .changed(from: .new, to: .acknowledged))
            }
            try await client.query(PostgresQuery(unsafeSQL: "DROP OWNED BY \(daemon)"))
            try await client.query(PostgresQuery(unsafeSQL: "DROP ROLE \(daemon)"))
        }
    }
}
