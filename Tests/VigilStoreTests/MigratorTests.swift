import Foundation
import PostgresNIO
import Testing
import VigilTestSupport
@testable import VigilStore

@Suite("Migrations against PostgreSQL")
struct MigratorTests {
    @Test("an empty database migrates to the latest version; a second run applies nothing")
    func fromEmpty() async throws {
        try await TestPostgres.withDatabase(migrated: false) { client, _ in
            let migrator = Migrator(logger: StoreTest.logger)
            let pending = try await migrator.migrate(client, dryRun: true)
            #expect(pending.map(\.version) == MigrationCatalog.all.map(\.version))
            #expect(try await StoreTest.scalar(client, "SELECT to_regclass('vigil.incidents') IS NULL", as: Bool.self))
            let applied = try await migrator.migrate(client)
            #expect(applied.map(\.version) == MigrationCatalog.all.map(\.version))
            #expect(try await migrator.migrate(client).isEmpty)
            try await migrator.verify(client)
            let versions = try await StoreTest.column(client, "SELECT version FROM vigil.schema_migrations ORDER BY version", as: Int.self)
            #expect(versions == MigrationCatalog.all.map(\.version))
        }
    }

    @Test("migrators starting at once apply each migration exactly once")
    func concurrent() async throws {
        try await TestPostgres.withDatabase(migrated: false, maxConnections: 8) { client, _ in
            let results = try await withThrowingTaskGroup(of: [Int].self) { group in
                for _ in 0..<4 { group.addTask { try await Migrator(logger: StoreTest.logger).migrate(client).map(\.version) } }
                var all: [[Int]] = []
                for try await r in group { all.append(r) }
                return all
            }
            #expect(results.flatMap { $0 }.sorted() == MigrationCatalog.all.map(\.version))
            #expect(try await StoreTest.scalar(client, "SELECT count(*) FROM vigil.schema_migrations", as: Int.self) == MigrationCatalog.all.count)
        }
    }

    @Test("a schema newer than the binary is refused by migrate and verify")
    func newer() async throws {
        try await TestPostgres.withDatabase { client, _ in
            try await client.query("INSERT INTO vigil.schema_migrations (version, name, checksum) VALUES (9999, 'from_the_future', '0')")
            let migrator = Migrator(logger: StoreTest.logger)
            await #expect(throws: MigrationError.self) { try await migrator.migrate(client) }
            do {
                try await migrator.verify(client)
                Issue.record("verify accepted a newer schema")
            } catch let error as MigrationError {
                #expect(error.code == .schemaNewer)
                #expect(error.version == 9999)
                #expect(error.message.contains("newer than this Vigil"))
            }
        }
    }

    @Test("a binary with fewer migrations than the database refuses; one with more reports them pending")
    func olderAndNewerBinaries() async throws {
        try await TestPostgres.withDatabase { client, _ in
            let older = Migrator(migrations: Array(MigrationCatalog.all.dropLast()), logger: StoreTest.logger)
            await #expect(throws: MigrationError.self) { try await older.verify(client) }
            let newer = Migrator(migrations: MigrationCatalog.all + [Migration(version: 49, name: "later", sql: "CREATE TABLE vigil.later (x int)")],
                                 logger: StoreTest.logger)
            let status = try await newer.status(client)
            #expect(status.pending.map(\.version) == [49])
            do {
                try await newer.verify(client)
                Issue.record("verify accepted a schema with pending migrations")
            } catch let error as MigrationError {
                #expect(error.code == .schemaOutdated)
            }
        }
    }

    @Test("a failing migration is rolled back entirely and reported")
    func rollback() async throws {
        try await TestPostgres.withDatabase { client, _ in
            let broken = Migrator(migrations: MigrationCatalog.all + [Migration(version: 48, name: "broken", sql: "CREATE TABLE vigil.half (x int);\nSELECT no_such_function();")],
                                  logger: StoreTest.logger)
            do {
                try await broken.migrate(client)
                Issue.record("a broken migration succeeded")
            } catch let error as MigrationError {
                #expect(error.code == .migrationFailed && error.version == 48)
            }
            #expect(try await StoreTest.scalar(client, "SELECT to_regclass('vigil.half') IS NULL", as: Bool.self))
            #expect(try await StoreTest.scalar(client, "SELECT count(*) FROM vigil.schema_migrations WHERE version = 48", as: Int.self) == 0)
        }
    }

    @Test("every table, view and column in schema vigil has a comment")
    func comments() async throws {
        try await TestPostgres.withDatabase { client, _ in
            let tables = try await StoreTest.column(client, """
                SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = 'vigil' AND c.relkind IN ('r', 'v') AND obj_description(c.oid, 'pg_class') IS NULL
                """, as: String.self)
            #expect(tables.isEmpty, "tables or views without a comment: \(tables)")
            let columns = try await StoreTest.column(client, """
                SELECT c.relname || '.' || a.attname FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
                JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = 'vigil' AND c.relkind IN ('r', 'v') AND a.attnum > 0 AND NOT a.attisdropped
                  AND col_description(c.oid, a.attnum) IS NULL
                """, as: String.self)
            #expect(columns.isEmpty, "columns without a comment: \(columns)")
        }
    }

    @Test("0004 upgrades a database made by 0001-0003: evidence keeps its fields, the ledger goes, hits stay unique")
    func upgradeTo0004() async throws {
        try await TestPostgres.withDatabase(migrated: false) { client, _ in
            try await Migrator(migrations: MigrationCatalog.all.filter { $0.version <= 3 }, logger: StoreTest.logger).migrate(client)
            try await client.query("INSERT INTO vigil.customers (id, name) VALUES ('bank-a', 'Bank A')")
            try await client.query("""
                INSERT INTO vigil.incidents (customer_id, rule_id, rule_title, dedup_key, level, impact, urgency, priority, first_event_at,
                    last_event_at, detected_at, created_at, updated_at, hit_count, event_count, summary)
                VALUES ('bank-a', 'r', 'R', '["bank-a","r",[]]', 'low', 'low', 'medium', 'P4', now(), now(), now(), now(), now(), 1, 1, 's')
                """)
            try await client.query("""
                INSERT INTO vigil.incident_evidence (incident_id, customer_id, hit_id, event_sequence, event_time, received_time, format,
                    listener, peer, message, event, raw)
                SELECT id, 'bank-a', gen_random_uuid(), 1, now(), now(), 'json', 'l', 'p', 'm',
                       '{"sequence": 1, "message": "m", "fields": {"user.name": "alice"}}', '\\x00' FROM vigil.incidents
                """)
            let applied = try await Migrator(logger: StoreTest.logger).migrate(client)
            #expect(applied.map(\.version) == MigrationCatalog.all.map(\.version).filter { $0 >= 4 })
            #expect(try await StoreTest.scalar(client, "SELECT fields->>'user.name' FROM vigil.incident_evidence", as: String.self) == "alice")
            #expect(try await StoreTest.scalar(client, "SELECT to_regclass('vigil.incident_hits') IS NULL", as: Bool.self))
            #expect(try await StoreTest.scalar(client, "SELECT to_regclass('vigil.incident_timeline_hit') IS NOT NULL", as: Bool.self))
            #expect(try await StoreTest.scalar(client, "SELECT reloptions::text FROM pg_class WHERE oid = 'vigil.incidents'::regclass", as: String.self)
                .contains("fillfactor=50"))
        }
    }
}
