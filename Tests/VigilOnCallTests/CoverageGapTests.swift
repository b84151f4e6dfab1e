import Testing
import VigilEvents
@testable import VigilOnCall

@Suite struct CoverageGapTests {
    static let yaml = """
    \(Fixtures.providersYAML)
    people:
      - {id: hanna, manager: jonas, contacts: [{voice: "+4915110000008"}]}
      - {id: ivan, manager: jonas, contacts: [{voice: "+4915110000009"}]}
      - {id: jonas, contacts: [{voice: "+4915110000010"}]}
      - {id: tom, contacts: [{voice: "+4915110000012"}]}
    rotations:
      - {id: l3, time_zone: Europe/Berlin, shift: weekly, start: "2026-01-05T09:00", participants: [hanna, ivan]}
    schedules:
      - id: l3-office
        time_zone: Europe/Berlin
        rules:
          - {rotation: l3, days: mon-fri, from: "08:00", to: "18:00"}
      - id: sm-tom
        time_zone: Europe/Berlin
        rules: [{person: tom}]
        overrides:
          - {remove: tom, from: "2026-03-28T10:00:00+01:00", to: "2026-03-28T14:00:00+01:00", note: dentist}
    customers:
      - {id: bank-nord, service_manager: {schedule: sm-tom}}
      - {id: leasing-west}
    policies:
      - id: p
        steps:
          - {name: service manager, targets: [service_manager], delay: 5m}
          - {name: L3, targets: [{schedule: l3-office}], delay: 10m}
          - {name: 1st manager, targets: [{manager_of: {schedule: l3-office}}], delay: 10m}
    default_policy: p
    """

    @Test func listsNightsAndWeekendsAcrossTheDSTChange() throws {
        let resolver = OnCallResolver(config: try Fixtures.load(Self.yaml))
        let policy = try #require(resolver.config.policy("p"))
        // Thursday 2026-03-26 to Tuesday 2026-03-31; DST starts Sunday 03-29.
        let gaps = resolver.gaps(policy: policy, from: t("2026-03-26T00:00:00+01:00"), to: t("2026-03-31T00:00:00+02:00"))
        let l3 = gaps.filter { $0.stepIndex == 1 }.map { [$0.from, $0.to] }
        #expect(l3 == [
            [t("2026-03-26T00:00:00+01:00"), t("2026-03-26T08:00:00+01:00")],
            [t("2026-03-26T18:00:00+01:00"), t("2026-03-27T08:00:00+01:00")],
            [t("2026-03-27T18:00:00+01:00"), t("2026-03-30T08:00:00+02:00")],  // the weekend, 61 real hours
            [t("2026-03-30T18:00:00+02:00"), t("2026-03-31T00:00:00+02:00")],
        ])
        #expect(l3[2][1] - l3[2][0] == .hours(61))
        // The manager step has the same holes: it follows L3.
        #expect(gaps.filter { $0.stepIndex == 2 }.map { [$0.from, $0.to] } == l3)
        #expect(gaps.first { $0.stepIndex == 2 }?.stepLabel == "step 3 (1st manager)")
    }

    @Test func serviceManagerGapsArePerCustomer() throws {
        let resolver = OnCallResolver(config: try Fixtures.load(Self.yaml))
        let policy = try #require(resolver.config.policy("p"))
        let gaps = resolver.gaps(policy: policy, from: t("2026-03-28T00:00:00+01:00"), to: t("2026-03-29T00:00:00+01:00"))
            .filter { $0.stepIndex == 0 }
        #expect(gaps.count == 2)
        let bank = try #require(gaps.first { $0.customer == "bank-nord" })
        #expect(bank.from == t("2026-03-28T10:00:00+01:00"))
        #expect(bank.to == t("2026-03-28T14:00:00+01:00"))
        let leasing = try #require(gaps.first { $0.customer == "leasing-west" })
        #expect(leasing.from == t("2026-03-28T00:00:00+01:00"), "leasing-west has no service manager at all")
        #expect(leasing.to == t("2026-03-29T00:00:00+01:00"))
        #expect(leasing.description.contains("for leasing-west"))
    }

    @Test func theExampleHasNoGapsForTwoWeeks() throws {
        let resolver = OnCallResolver(config: try Fixtures.example())
        for start in [t("2026-03-20T00:00:00Z"), t("2026-10-20T00:00:00Z"), t("2026-12-20T00:00:00Z")] {
            let gaps = resolver.gaps(from: start, to: start + .days(14))
            #expect(gaps.isEmpty, "\(gaps)")
        }
    }

    @Test func gapsBeforeARotationStarts() throws {
        let resolver = OnCallResolver(config: try Fixtures.example())
        let policy = try #require(resolver.config.policy("standard"))
        let gaps = resolver.gaps(policy: policy, from: t("2026-01-01T00:00:00+01:00"), to: t("2026-01-06T00:00:00+01:00"))
        let first = try #require(gaps.first { $0.stepIndex == 0 })
        #expect(first.from == t("2026-01-01T00:00:00+01:00"))
        #expect(first.to == t("2026-01-05T07:00:00+01:00"), "the Berlin day rotation starts then")
    }
}

/// `gaps` against brute force: sampling every five minutes must agree with the computed periods.
@Suite struct CoverageGapCrossCheckTests {
    @Test(arguments: ["2026-03-25T00:00:00Z", "2026-10-22T00:00:00Z", "2026-03-06T00:00:00Z", "2026-10-30T00:00:00Z"])
    func gapsAgreeWithSampling(start: String) throws {
        let config = try Fixtures.load("""
        \(Fixtures.providersYAML)
        people:
          - {id: a, contacts: [{sms: "+4915110000001"}]}
          - {id: b, contacts: [{sms: "+4915110000002"}]}
          - {id: c, contacts: [{sms: "+4915110000003"}]}
        rotations:
          - {id: days, time_zone: Europe/Berlin, shift: daily, start: "2026-01-01T08:00", participants: [a, b]}
          - {id: nights, time_zone: America/New_York, shift: {hours: 12}, start: "2026-01-01T02:00", participants: [c, a]}
        schedules:
          - id: s
            time_zone: Europe/Berlin
            rules:
              - {rotation: days, days: mon-fri, from: "08:00", to: "17:30"}
              - {rotation: nights, days: [sat, sun], from: "22:00", to: "06:00"}
              - {person: c, days: wed, from: "17:30", to: "20:00"}
            overrides:
              - {remove: a, from: "2026-03-27T09:00:00+01:00", to: "2026-03-30T12:00:00+02:00"}
              - {remove: b, from: "2026-10-26T00:00:00+01:00", to: "2026-10-27T00:00:00+01:00"}
        default_policy: p
        policies: [{id: p, steps: [{targets: [{schedule: s}], delay: 5m}]}]
        """)
        let resolver = OnCallResolver(config: config)
        let from = t(start)
        let to = from + .days(7)
        let gaps = resolver.gaps(policy: config.policy("p")!, from: from, to: to)
        var cursor = from
        while cursor < to {
            let empty = resolver.onCall(scheduleID: "s", at: cursor).isEmpty
            let inGap = gaps.contains { $0.from <= cursor && cursor < $0.to }
            #expect(empty == inGap, "\(cursor.rfc3339)")
            cursor = cursor + .minutes(5)
        }
        for (a, b) in zip(gaps, gaps.dropFirst()) { #expect(a.to < b.from, "gaps are merged and ordered") }
    }
}
