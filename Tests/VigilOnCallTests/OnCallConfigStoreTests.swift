import Foundation
import PostgresNIO
import Testing
import VigilEvents
import VigilTestSupport
@testable import VigilOnCall
@testable import VigilStore

/// `vigil oncall apply` underneath: the tables, the diff, the audit, overrides kept across applies, analysts' view.
@Suite(.serialized) struct OnCallConfigStoreTests {
    static let exampleYAML = try! String(contentsOfFile: Fixtures.examplePath, encoding: .utf8)

    @Test func theExampleSurvivesTheDatabaseExactly() async throws {
        try await TestPostgres.withDatabase { client, _ in
            let clock = ManualClock(Paging.t0)
            let store = OnCallConfigStore(client: client, clock: clock, logger: Paging.logger)
            let example = try Fixtures.example()
            let report = try await store.apply(example, source: .init(path: "deploy/oncall.yml", bytes: Array(Self.exampleYAML.utf8)), actor: "ops")
            #expect(report.applied && report.firstApply && report.revision == 1)
            #expect(report.changes.allSatisfy { $0.action == .created })
            let stored = try #require(try await store.load())
            for (a, b) in zip(stored.config.people, example.people) { #expect(a == b) }
            #expect(stored.config.rotations == example.rotations)
            #expect(stored.config.schedules == example.schedules)
            #expect(stored.config.policies == example.policies)
            #expect(stored.config.customers == example.customers)
            #expect(stored.config.routes == example.routes)
            #expect(stored.config.channels == example.channels)
            #expect(stored.config.providers == example.providers)
            #expect(stored.config == example)
            #expect(stored.sourceFile == "deploy/oncall.yml" && stored.appliedBy == "ops" && stored.sourceSHA256.count == 64)
            // The same file again changes nothing and writes nothing.
            let again = try await store.apply(example, source: .init(path: "deploy/oncall.yml", bytes: Array(Self.exampleYAML.utf8)), actor: "ops")
            #expect(!again.applied && again.changes.isEmpty)
            #expect(try await store.revision() == 1)
            // Who is on call answers the same from the database as from the file.
            let night = t("2026-11-21T03:00:00+01:00")
            #expect(OnCallResolver(config: stored.config).onCall(scheduleID: "l1-duty", at: night)
                == OnCallResolver(config: example).onCall(scheduleID: "l1-duty", at: night))
        }
    }

    @Test func anApplyShowsTheDiffWritesOneTransactionAndAuditsEachObject() async throws {
        try await TestPostgres.withDatabase { client, _ in
            let clock = ManualClock(Paging.t0)
            let store = OnCallConfigStore(client: client, clock: clock, logger: Paging.logger)
            _ = try await store.apply(try Fixtures.example(), source: .init(path: "deploy/oncall.yml", sha256: "a"), actor: "ops")
            var changedYAML = Self.exampleYAML.replacingOccurrences(of: """
                      - name: L2 and service manager
                        targets: [{schedule: l2}, service_manager]
                        delay: 15m
                """, with: """
                      - name: L2 and service manager
                        targets: [{schedule: l2}, service_manager]
                        delay: 20m
                """)
            changedYAML = changedYAML.replacingOccurrences(of: "    name: Leasing West AG\n", with: "    name: Leasing West AG (renamed)\n")
            let changed = try OnCallConfigLoader.load(yaml: changedYAML, file: "deploy/oncall.yml")
            clock.advance(by: .minutes(1))
            let dry = try await store.apply(changed, source: .init(path: "deploy/oncall.yml", sha256: "b"), actor: "ops", dryRun: true)
            #expect(!dry.applied && dry.changes.count == 2)
            #expect(try await store.revision() == 1, "a dry run writes nothing")
            let report = try await store.apply(changed, source: .init(path: "deploy/oncall.yml", sha256: "b"), actor: "katrin")
            #expect(report.applied && report.revision == 2)
            let lines = report.changes.map(\.description)
            #expect(lines == ["~ policy standard\n    steps[1].delay: \"15m\" → \"20m\"",
                              "~ customer leasing-west\n    name: \"Leasing West AG\" → \"Leasing West AG (renamed)\""])
            let audit = try await Paging.column(client, """
                SELECT actor || ' ' || object_type || ' ' || object_id || ' ' || action || ' ' || coalesce(customer_id, '-')
                FROM vigil.config_audit WHERE at = \(clock.now.date) ORDER BY id
                """, as: String.self)
            #expect(audit == ["katrin oncall_policy standard changed -", "katrin oncall_customer leasing-west changed leasing-west",
                              "katrin oncall_config deploy/oncall.yml applied -"])
            let detail = try await Paging.column(client, """
                SELECT detail->'changes'->>0 FROM vigil.config_audit WHERE object_type = 'oncall_policy' AND at = \(clock.now.date)
                """, as: String.self)
            #expect(detail == ["steps[1].delay: \"15m\" → \"20m\""])
            let delay = try await Paging.column(client, """
                SELECT delay::text FROM vigil.oncall_policy_steps WHERE policy_id = 'standard' AND position = 1
                """, as: String.self)
            #expect(delay == ["00:20:00"])
        }
    }

    @Test func commandLineOverridesStayAcrossAppliesButMustStillFit() async throws {
        try await TestPostgres.withDatabase { client, _ in
            let clock = ManualClock(Paging.t0)
            let store = OnCallConfigStore(client: client, clock: clock, logger: Paging.logger)
            let example = try Fixtures.example()
            _ = try await store.apply(example, source: .init(path: "deploy/oncall.yml", sha256: "a"), actor: "ops")
            let added = try await store.addOverride(
                schedule: "l2", ScheduleOverride(kind: .replace(replaced: "felix"), person: "greta", from: Paging.t0, to: Paging.t0 + .days(2)),
                actor: "jonas")
            var renamed = example
            renamed.people[0].name = "Anna B."
            let report = try await store.apply(renamed, source: .init(path: "deploy/oncall.yml", sha256: "b"), actor: "ops")
            #expect(report.applied && report.keptOverrides.map(\.id) == [added.id])
            let stored = try #require(try await store.load())
            #expect(stored.commandLineOverrides.map(\.id) == [added.id])
            #expect(stored.config.schedule("l2")?.overrides.last?.person == "greta")
            // A file without Greta would leave the override dangling: refused, nothing written.
            var withoutGreta = renamed
            withoutGreta.people.removeAll { $0.id == "greta" }
            withoutGreta.rotations = withoutGreta.rotations.map { r in var r = r; r.participants.removeAll { $0 == "greta" }; return r }
            do {
                _ = try await store.apply(withoutGreta, source: .init(path: "deploy/oncall.yml", sha256: "c"), actor: "ops")
                Issue.record("the apply should have been refused")
            } catch let error as OnCallStoreError {
                #expect(error.code == .overridesNoLongerFit)
                #expect(error.message.contains("person 'greta' is no longer in the file"))
            }
            #expect(try await store.revision() == 3, "two applies and one override")
            _ = try await store.removeOverride(id: added.id, actor: "jonas")
            #expect(try await store.load()?.commandLineOverrides.isEmpty == true)
        }
    }

    @Test func analystsSeeTheirCustomersAssignmentsButNoContactAddresses() async throws {
        try await TestPostgres.withDatabase(maxConnections: 2) { client, database in
            let clock = ManualClock(Paging.t0)
            _ = try await OnCallConfigStore(client: client, clock: clock, logger: Paging.logger)
                .apply(try Fixtures.example(), source: .init(path: "deploy/oncall.yml", sha256: "a"), actor: "ops")
            let analyst = "analyst_oc_\(database.name.suffix(8))"
            try await client.query(PostgresQuery(unsafeSQL: "INSERT INTO vigil.customers (id, name) VALUES ('bank-nord', 'Nordbank AG')"))
            try await client.query(PostgresQuery(unsafeSQL: "CREATE ROLE \(analyst) LOGIN IN ROLE vigil_analyst"))
            try await client.query(PostgresQuery(unsafeSQL: "INSERT INTO vigil.analyst_customers (role_name, customer_id) VALUES ('\(analyst)', 'bank-nord')"))
            try await client.withConnection { connection in
                try await connection.query(PostgresQuery(unsafeSQL: "SET ROLE \(analyst)"), logger: Paging.logger)
                var ids: [String] = []
                for try await id in try await connection.query("SELECT customer_id FROM vigil.oncall_customers", logger: Paging.logger).decode(String.self) {
                    ids.append(id)
                }
                #expect(ids == ["bank-nord"])
                var people = 0
                for try await n in try await connection.query("SELECT count(*) FROM vigil.oncall_people", logger: Paging.logger).decode(Int.self) { people = n }
                #expect(people == 14)
                do {
                    try await connection.query("SELECT address FROM vigil.oncall_contacts", logger: Paging.logger)
                    Issue.record("an analyst could read contact addresses")
                } catch let error as PSQLError {
                    #expect(error.serverInfo?[.sqlState] == "42501")
                }
                try await connection.query("RESET ROLE", logger: Paging.logger)
            }
        }
    }
}
