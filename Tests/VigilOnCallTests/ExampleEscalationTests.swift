import Testing
import VigilEvents
@testable import VigilOnCall

/// The example configuration end to end through the pure machine: routing, the matrix, the service manager, the manager.
@Suite struct ExampleEscalationTests {
    let directory: OnCallDirectory

    init() throws { directory = OnCallDirectory(config: try Fixtures.example()) }

    func run(_ incident: OnCallIncident, from start: Timestamp, for span: TimeSpan) throws -> EscalationHarness<OnCallDirectory> {
        let policy = try #require(directory.policy(for: incident))
        var h = EscalationHarness(machine: EscalationStateMachine(incident: incident, policy: policy), directory: directory, now: start)
        h.send(.triggered)
        h.advance(by: span)
        return h
    }

    /// Who each step paged, by step index.
    func paged(_ h: EscalationHarness<OnCallDirectory>) -> [Int: Set<Recipient>] {
        Dictionary(grouping: h.log.notifications, by: \.stepIndex).mapValues { Set($0.map(\.recipient)) }
    }

    @Test func standardPolicyFollowsTheMatrixUpToTheManager() throws {
        // Saturday night; a P2 at factory-sued: the default (standard) policy.
        let night = t("2026-11-21T03:00:00+01:00")
        let incident = Fixtures.incident(customer: "factory-sued", priority: .p2)
        let h = try run(incident, from: night, for: .hours(1))
        let steps = paged(h)
        let resolver = directory.resolver
        #expect(steps[0] == Set(resolver.onCall(scheduleID: "l1-duty", at: night).map(Recipient.person)))
        #expect(steps[0] == [.person("dave")] || steps[0] == [.person("erin")], "New York covers Berlin nights")
        #expect(steps[1]?.contains(.person("petra")) == true, "the service manager comes in with L2")
        #expect(steps[2] == Set(resolver.onCall(scheduleID: "l3", at: night + .minutes(25)).map(Recipient.person)))
        #expect(h.log.timeline(.stepStarted).first { $0.stepIndex == 3 }?.text == "step 4 (1st manager): paging Jonas Richter",
                "hierarchical escalation: L3's line manager at the third escalation")
        // Jonas's quiet hours hold a P2 (high urgency) until 06:30, so his page is planned, not sent at once.
        let jonasPlanned = h.log.timeline(.deliveryPlanned).filter { $0.stepIndex == 3 }
        #expect(!jonasPlanned.isEmpty)
        #expect(jonasPlanned.allSatisfy { $0.text.contains("2026-11-21T05:30:00Z") })
    }

    @Test func aMajorIncidentCallsTheServiceManagerAtOnceAndReachesTheBridge() throws {
        let night = t("2026-11-21T03:00:00+01:00")
        let incident = Fixtures.incident(customer: "bank-nord", rule: "remote-access-tool", priority: .p1)
        let h = try run(incident, from: night, for: .minutes(70))
        let first = h.log.notifications.filter { $0.stepIndex == 0 }
        #expect(first.contains { $0.recipient == .person("tom") && $0.contact.kind == .voice })
        #expect(first.contains { $0.recipient == .channel("soc-tickets") })
        #expect(paged(h)[4] == [.channel("soc-bridge"), .person("katrin")], "emergency meeting for P1 only")
    }

    @Test func theStandInServiceManagerIsPagedOverChristmas() throws {
        let christmas = t("2026-12-24T22:30:00+01:00")
        let incident = Fixtures.incident(customer: "bank-nord", priority: .p2)
        #expect(directory.policy(for: incident)?.id == "two-hop")
        let h = try run(incident, from: christmas, for: .minutes(6))
        #expect(paged(h)[1]?.contains(.person("uwe")) == true)
        #expect(paged(h)[1]?.contains(.person("tom")) == false)
    }
}
