import PostgresNIO
import Testing
import VigilTestSupport
@testable import VigilStore

@Suite("Timeline immutability")
struct TimelineImmutabilityTests {
    @Test("UPDATE, DELETE and TRUNCATE on the timeline are refused, even for the owner", arguments: [
        "UPDATE vigil.incident_timeline SET detail = 'rewritten'",
        "DELETE FROM vigil.incident_timeline",
        "TRUNCATE vigil.incident_timeline",
    ])
    func refused(statement: String) async throws {
        try await TestPostgres.withDatabase { client, _ in
            try await StoreTest.withSink(client) { sink in
                try await sink.submit([Fixtures.hit()])
                await sink.flush()
            }
            do {
                try await client.query(PostgresQuery(unsafeSQL: statement))
                Issue.record("\(statement) succeeded")
            } catch let error as PSQLError {
                #expect(error.serverInfo?[.sqlState] == "42501")
                #expect(error.serverInfo?[.message]?.contains("append-only") == true)
            }
            #expect(try await StoreTest.scalar(client, "SELECT count(*) FROM vigil.incident_timeline", as: Int.self) == 2)
            #expect(try await StoreTest.scalar(client, "SELECT count(*) FROM vigil.incident_timeline WHERE detail = 'rewritten'", as: Int.self) == 0)
        }
    }
}
