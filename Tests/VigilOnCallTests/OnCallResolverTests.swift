import Testing
import VigilEvents
@testable import VigilOnCall

@Suite struct OnCallResolverTests {
    let resolver: OnCallResolver

    init() throws { resolver = OnCallResolver(config: try Fixtures.example()) }

    @Test func followTheSunSplitsDaysAndNights() {
        // Week of 2026-04-13: Clara's Berlin week, Dave's New York week.
        #expect(resolver.onCall(scheduleID: "l1-duty", at: t("2026-04-13T10:00:00+02:00")) == ["clara"])
        #expect(resolver.onCall(scheduleID: "l1-duty", at: t("2026-04-13T18:59:59+02:00")) == ["clara"])
        #expect(resolver.onCall(scheduleID: "l1-duty", at: t("2026-04-13T19:00:00+02:00")) == ["dave"])
        #expect(resolver.onCall(scheduleID: "l1-duty", at: t("2026-04-14T06:59:59+02:00")) == ["dave"])
    }

    @Test func overrideReplacesOnlyWhileActive() {
        #expect(resolver.onCall(scheduleID: "l1-duty", at: t("2026-04-14T06:59:59+02:00")) == ["dave"])
        #expect(resolver.onCall(scheduleID: "l1-duty", at: t("2026-04-14T07:00:00+02:00")) == ["anna"])
        #expect(resolver.onCall(scheduleID: "l1-duty", at: t("2026-04-16T18:59:59+02:00")) == ["anna"])
        #expect(resolver.onCall(scheduleID: "l1-duty", at: t("2026-04-17T10:00:00+02:00")) == ["clara"])
        let schedule = resolver.config.schedule("l1-duty")!
        let entries = resolver.entries(schedule: schedule, at: t("2026-04-15T12:00:00+02:00"))
        #expect(entries.count == 1)
        guard case .override(let replacing, let until, let note) = entries[0].reason else {
            Issue.record("expected an override, got \(entries)")
            return
        }
        #expect(replacing == "clara")
        #expect(until == t("2026-04-16T19:00:00+02:00"))
        #expect(note == "Clara at a training; Anna swaps in")
    }

    @Test func overrideReplacesTheServiceManagerOnCall() {
        let christmas = t("2026-12-24T03:00:00+01:00")
        #expect(resolver.resolve(.serviceManager, customer: "bank-nord", at: t("2026-12-23T17:59:59+01:00")) == [.person("tom")])
        #expect(resolver.resolve(.serviceManager, customer: "bank-nord", at: christmas) == [.person("uwe")])
        #expect(resolver.resolve(.serviceManager, customer: "bank-nord", at: t("2026-12-28T08:00:00+01:00")) == [.person("tom")])
        // Petra's customers are not affected.
        #expect(resolver.resolve(.serviceManager, customer: "factory-sued", at: christmas) == [.person("petra")])
        #expect(resolver.resolve(.serviceManager, customer: "leasing-west", at: christmas) == [.person("petra")])
        // A step with the service manager pages the stand-in, and the manager of the stand-in is Katrin.
        let step = EscalationStep(targets: [.schedule("l2"), .serviceManager], delay: .minutes(15))
        #expect(resolver.resolve(step: step, customer: "bank-nord", at: christmas).contains(.person("uwe")))
        #expect(resolver.resolve(.managerOf(.serviceManager), customer: "bank-nord", at: christmas) == [.person("katrin")])
    }

    @Test func scheduleRulesFollowLocalTimeOnTheDSTDay() {
        // 2026-03-29: 05:30Z is 07:30 CEST (day shift), though it would be 06:30 in winter time.
        let berlinDay = resolver.onCall(scheduleID: "l1-duty", at: t("2026-03-29T05:30:00Z"))
        let dayRotation = resolver.onCall(rotationID: "l1-berlin", at: t("2026-03-29T05:30:00Z"))
        #expect(berlinDay == [dayRotation!])
        #expect(resolver.onCall(scheduleID: "l1-duty", at: t("2026-03-28T05:30:00Z")) == [resolver.onCall(rotationID: "l1-newyork", at: t("2026-03-28T05:30:00Z"))!])
    }

    @Test func hierarchicalTargetsResolveLineManagers() {
        let at = t("2026-11-20T03:00:00+01:00")
        let l3 = resolver.onCall(scheduleID: "l3", at: at)
        #expect(l3.count == 1)
        #expect(resolver.resolve(.managerOf(.schedule("l3")), customer: nil, at: at) == [.person("jonas")])
        #expect(resolver.resolve(.managerOf(.managerOf(.schedule("l3"))), customer: nil, at: at) == [.person("katrin")])
        #expect(resolver.resolve(.managerOf(.person("katrin")), customer: nil, at: at) == [], "the head of the SOC has no manager")
    }

    @Test func addAndRemoveOverrides() {
        let schedule = Schedule(id: "s", timeZone: "Europe/Berlin", rules: [
            ScheduleRule(source: .person("a")),
            ScheduleRule(source: .person("b"), window: TimeWindow(days: [.monday, .tuesday, .wednesday, .thursday, .friday],
                                                                  from: TimeOfDay(hour: 8), to: TimeOfDay(hour: 18))),
        ], overrides: [
            ScheduleOverride(kind: .remove, person: "a", from: t("2026-06-01T00:00:00Z"), to: t("2026-06-02T00:00:00Z")),
            ScheduleOverride(kind: .add, person: "c", from: t("2026-06-01T12:00:00Z"), to: t("2026-06-01T13:00:00Z")),
            ScheduleOverride(kind: .replace(replaced: "b"), person: "a", from: t("2026-06-03T00:00:00Z"), to: t("2026-06-04T00:00:00Z")),
        ])
        let people = [Person(id: "a", name: "A", contacts: []), Person(id: "b", name: "B", contacts: []), Person(id: "c", name: "C", contacts: [])]
        let r = OnCallResolver(config: OnCallConfig(people: people, schedules: [schedule]))
        #expect(r.onCall(schedule: schedule, at: t("2026-05-31T12:00:00Z")) == ["a"], "Sunday: only a")
        #expect(r.onCall(schedule: schedule, at: t("2026-06-01T10:00:00Z")) == ["b"], "Monday, a removed")
        #expect(r.onCall(schedule: schedule, at: t("2026-06-01T12:30:00Z")) == ["b", "c"])
        #expect(r.onCall(schedule: schedule, at: t("2026-06-02T10:00:00Z")) == ["a", "b"])
        #expect(r.onCall(schedule: schedule, at: t("2026-06-03T10:00:00Z")) == ["a"], "b replaced by a, who is already on call")
        #expect(r.onCall(schedule: schedule, at: t("2026-06-03T20:00:00Z")) == ["a"], "replace has no effect when b is off")
    }

    @Test func overnightWindowsBelongToTheDayTheyStart() {
        let night = TimeWindow(days: [.friday], from: TimeOfDay(hour: 22), to: TimeOfDay(hour: 6))
        let zone = ZoneRules(identifier: "Europe/Berlin")!
        #expect(night.contains(t("2026-06-05T23:00:00+02:00"), in: zone))   // Fri 23:00
        #expect(night.contains(t("2026-06-06T05:59:00+02:00"), in: zone))   // Sat 05:59
        #expect(!night.contains(t("2026-06-06T06:00:00+02:00"), in: zone))
        #expect(!night.contains(t("2026-06-06T23:00:00+02:00"), in: zone))  // Sat 23:00
        #expect(!night.contains(t("2026-06-05T05:00:00+02:00"), in: zone))  // Fri 05:00 belongs to Thursday's night
    }
}
