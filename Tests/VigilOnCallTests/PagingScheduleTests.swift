import Foundation
import PostgresNIO
import Testing
import VigilEvents
import VigilIncidents
import VigilTestSupport
@testable import VigilOnCall
@testable import VigilStore

/// Who gets paged, from the configuration stored in PostgreSQL: rotations across DST, overrides added on the command line.
@Suite(.serialized) struct PagingScheduleTests {
    static func config(_ receiver: TestHTTPReceiver) -> String {
        """
        version: 1
        people:
          - {id: anna, name: Anna Becker, time_zone: Europe/Berlin, contacts: [{webhook: "\(receiver.baseURL)/anna"}]}
          - {id: ben, name: Ben Schulz, time_zone: Europe/Berlin, contacts: [{webhook: "\(receiver.baseURL)/ben"}]}
          - {id: tom, name: Tom Fischer, time_zone: Europe/Berlin, contacts: [{webhook: "\(receiver.baseURL)/tom"}]}
          - {id: uwe, name: Uwe Baumann, time_zone: Europe/Berlin, contacts: [{webhook: "\(receiver.baseURL)/uwe"}]}
        rotations:
          - id: l1-weekly
            time_zone: Europe/Berlin
            shift: weekly
            start: 2026-03-02T07:00          # Mondays 07:00 local, across the change on Sunday 29 March
            participants: [anna, ben]
        schedules:
          - {id: l1, time_zone: Europe/Berlin, rules: [{rotation: l1-weekly}]}
          - {id: sm-bank-nord, time_zone: Europe/Berlin, rules: [{person: tom}]}
        policies:
          - id: duty
            steps: [{name: L1 duty, targets: [{schedule: l1}], delay: 10m}]
          - id: sm
            steps: [{name: service manager, targets: [service_manager], delay: 10m}]
        customers:
          - {id: bank-nord, name: Nordbank AG, time_zone: Europe/Berlin, service_manager: {schedule: sm-bank-nord}, policy: sm}
        default_policy: duty
        """
    }

    @Test func aWeeklyRotationHandsOverAtSevenLocalTimeAfterTheDSTChange() async throws {
        let receiver = try await TestHTTPReceiver.start()
        try await TestPostgres.withDatabase(maxConnections: 8) { client, _ in
            // Monday 30 March 2026: the shift that began on 23 March 07:00 CET ends at 07:00 CEST, 167 hours later.
            let beforeHandOff = t("2026-03-30T06:30:00+02:00"), afterHandOff = t("2026-03-30T07:30:00+02:00")
            let clock = ManualClock(beforeHandOff)
            try await Paging.apply(Self.config(receiver), client: client, clock: clock)
            let stored = try #require(try await OnCallConfigStore(client: client, clock: clock, logger: Paging.logger).load())
            let resolver = OnCallResolver(config: stored.config)
            #expect(resolver.onCall(scheduleID: "l1", at: beforeHandOff) == ["ben"])
            #expect(resolver.onCall(scheduleID: "l1", at: afterHandOff) == ["anna"], "a naive 168 h shift would still be Ben's until 08:00")
            let engine = Paging.engine(client, clock: clock)
            try await Paging.running([engine]) {
                try await Paging.raise([Paging.hit(customer: "factory-sued", source: "198.51.100.1", at: beforeHandOff)], client: client, clock: clock)
                #expect(try await Paging.eventually { Paging.paths(receiver) == ["/ben"] })
                try await Paging.advance(clock, to: afterHandOff, client: client)
                try await Paging.raise([Paging.hit(customer: "factory-sued", source: "198.51.100.2", at: afterHandOff)], client: client, clock: clock)
                #expect(try await Paging.eventually { Paging.paths(receiver) == ["/ben", "/anna"] }, "\(Paging.paths(receiver))")
            }
        }
        await receiver.shutdown()
    }

    @Test func anOverrideReplacesTheServiceManagerOnCallAndConflictsAreRejected() async throws {
        let receiver = try await TestHTTPReceiver.start()
        try await TestPostgres.withDatabase(maxConnections: 8) { client, _ in
            let clock = ManualClock(Paging.t0)
            let configStore = OnCallConfigStore(client: client, clock: clock, logger: Paging.logger)
            try await Paging.apply(Self.config(receiver), client: client, clock: clock)
            let engine = Paging.engine(client, clock: clock)
            try await Paging.running([engine]) {
                let leave = ScheduleOverride(kind: .replace(replaced: "tom"), person: "uwe", from: Paging.t0 - .hours(1), to: Paging.t0 + .days(5),
                                             note: "Tom on leave")
                let added = try await configStore.addOverride(schedule: "sm-bank-nord", leave, actor: "katrin")
                // Tom cannot be added back during his leave: the periods overlap and both concern him.
                let clash = ScheduleOverride(kind: .add, person: "tom", from: Paging.t0 + .days(1), to: Paging.t0 + .days(2))
                await #expect(throws: OnCallStoreError.self) { try await configStore.addOverride(schedule: "sm-bank-nord", clash, actor: "katrin") }
                do {
                    _ = try await configStore.addOverride(schedule: "sm-bank-nord", clash, actor: "katrin")
                } catch let error as OnCallStoreError {
                    #expect(error.code == .overrideConflict)
                    #expect(error.message.contains("#\(added.id) (command line): uwe replaces tom"))
                }
                await #expect(throws: OnCallStoreError.self) {
                    try await configStore.addOverride(schedule: "nope", ScheduleOverride(kind: .add, person: "tom", from: Paging.t0, to: Paging.t0 + .hours(1)),
                                                      actor: "katrin")
                }
                // The engine reloads on NOTIFY vigil_oncall 'config' and pages Uwe in Tom's place.
                #expect(try await Paging.eventually { engine.runtime?.revision == 2 })
                try await Paging.raise([Paging.hit(customer: "bank-nord")], client: client, clock: clock)
                #expect(try await Paging.eventually { Paging.paths(receiver) == ["/uwe"] }, "\(Paging.paths(receiver))")
                // After the leave, Tom is back.
                try await Paging.advance(clock, to: Paging.t0 + .days(6), client: client)
                try await Paging.raise([Paging.hit(customer: "bank-nord", source: "198.51.100.9", at: clock.now)], client: client, clock: clock)
                #expect(try await Paging.eventually { Paging.paths(receiver) == ["/uwe", "/tom"] }, "\(Paging.paths(receiver))")
                let audit = try await Paging.column(client, """
                    SELECT actor || ' ' || action || ' ' || object_id FROM vigil.config_audit WHERE object_type = 'oncall_override'
                    """, as: String.self)
                #expect(audit == ["katrin override_added sm-bank-nord#\(added.id)"])
                let removed = try await configStore.removeOverride(id: added.id, actor: "katrin")
                #expect(removed.override == leave)
            }
        }
        await receiver.shutdown()
    }
}
