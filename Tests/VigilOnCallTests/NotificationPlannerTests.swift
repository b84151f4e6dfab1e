import Testing
import VigilDetection
import VigilEvents
@testable import VigilOnCall

@Suite struct NotificationPlannerTests {
    let planner: NotificationPlanner
    let config: OnCallConfig

    init() throws {
        config = try Fixtures.example()
        planner = NotificationPlanner(resolver: OnCallResolver(config: config))
    }

    func plan(_ person: String, _ incident: OnCallIncident, at: Timestamp) -> [(String, Timestamp)] {
        planner.plan(for: config.person(person)!, incident: incident, at: at).map { ($0.contact.id, $0.at) }
    }

    @Test func criticalCallsAndTextsAtOnce() {
        let now = t("2026-11-21T03:00:00+01:00")
        let p = plan("tom", Fixtures.incident(priority: .p1), at: now)
        #expect(p.map(\.0) == ["tom.voice", "tom.sms", "tom.email", "tom.telegram"])
        #expect(p.allSatisfy { $0.1 == now })
    }

    @Test func highUrgencyTextsFirstAndCallsLater() {
        let now = t("2026-11-21T03:00:00+01:00")
        let p = plan("tom", Fixtures.incident(priority: .p2), at: now)
        #expect(p.map(\.0) == ["tom.sms", "tom.telegram", "tom.voice"])
        #expect(p.map(\.1) == [now, now, now + .minutes(5)])
    }

    @Test func lowUrgencyWaitsForBusinessHours() {
        let saturdayNight = t("2026-11-21T03:00:00+01:00")
        let p = plan("tom", Fixtures.incident(priority: .p4), at: saturdayNight)
        #expect(p.map(\.0) == ["tom.email"])
        #expect(p.first?.1 == t("2026-11-23T08:00:00+01:00"), "Monday 08:00")
        let tuesday = t("2026-11-24T10:00:00+01:00")
        #expect(plan("tom", Fixtures.incident(priority: .p4), at: tuesday).map(\.1) == [tuesday])
        // Petra's business hours end at 17:00.
        #expect(plan("petra", Fixtures.incident(customer: "leasing-west", priority: .p5), at: t("2026-11-24T17:30:00+01:00")).map(\.1)
            == [t("2026-11-25T08:00:00+01:00")])
    }

    @Test func quietHoursHoldAllButCritical() {
        let night = t("2026-11-21T02:00:00+01:00")
        let high = plan("jonas", Fixtures.incident(priority: .p2), at: night)
        #expect(high.map(\.0) == ["jonas.sms", "jonas.email"])
        #expect(high.allSatisfy { $0.1 == t("2026-11-21T06:30:00+01:00") })
        let critical = plan("jonas", Fixtures.incident(priority: .p1), at: night)
        #expect(critical.map(\.0) == ["jonas.voice", "jonas.sms", "jonas.email"])
        #expect(critical.allSatisfy { $0.1 == night })
    }

    @Test func aSeverityOverrideSetsThePagingUrgencyNotThePriority() {
        let asked = SeverityOverride(level: .critical, requestedBy: "CISO Nordbank", reason: "contract annex 2")
        let incident = Fixtures.incident(level: .low, priority: .p4, override: asked)
        #expect(incident.urgency == .critical)
        #expect(incident.priority == .p4)
        #expect(plan("tom", incident, at: t("2026-11-21T03:00:00+01:00")).first?.0 == "tom.voice")
    }

    @Test func customerAsksForNightVoiceCallsForAScenario() {
        let night = t("2026-11-21T03:00:00+01:00")
        let rat = Fixtures.incident(rule: "remote-access-tool", priority: .p2)
        let p = plan("tom", rat, at: night)
        #expect(p.map(\.0) == ["tom.voice", "tom.sms", "tom.telegram"])
        #expect(p.allSatisfy { $0.1 == night }, "the switch calls at once, the written messages are untouched")
        let reason = planner.plan(for: config.person("tom")!, incident: rat, at: night).first?.reason
        #expect(reason?.contains("Nordbank AG asked for voice call") == true)
        // By day the switch is off-window: the person's own rule (call after 5 minutes) applies.
        let day = t("2026-11-21T12:00:00+01:00")
        #expect(plan("tom", rat, at: day).map(\.1) == [day, day, day + .minutes(5)])
    }

    @Test func customerSwitchesNightVoiceOffWithoutTouchingWrittenMessages() {
        let night = t("2026-11-21T03:00:00+01:00")
        let rat = Fixtures.incident(customer: "factory-sued", rule: "remote-access-tool", priority: .p1)
        #expect(plan("petra", rat, at: night).map(\.0) == ["petra.sms", "petra.email"])
        #expect(plan("petra", rat, at: t("2026-11-21T12:00:00+01:00")).map(\.0) == ["petra.voice", "petra.sms", "petra.email"])
        let other = Fixtures.incident(customer: "factory-sued", rule: "ssh-brute-force-then-success", priority: .p1)
        #expect(plan("petra", other, at: night).map(\.0) == ["petra.voice", "petra.sms", "petra.email"], "other scenarios still call")
        // Fallback never picks a switched-off channel.
        let sms = config.person("petra")!.contacts[1]
        #expect(planner.fallback(for: "petra", after: sms, tried: ["petra.sms"], incident: rat, at: night)?.id == "petra.email")
        #expect(planner.fallback(for: "petra", after: sms, tried: ["petra.sms", "petra.email"], incident: rat, at: night) == nil)
    }

    @Test func nobodyIsLeftWithoutAnyMessage() throws {
        let config = try Fixtures.load("""
        \(Fixtures.providersYAML)
        people:
          - id: vera
            contacts: [{voice: "+4915110000015"}, {email: vera@soc.example}]
            notification:
              rules: [{urgency: all, channels: [voice]}]
        customers:
          - id: leasing-west
            channel_switches: [{scenario: "*", channel: voice, enabled: false}]
        default_policy: p
        policies: [{id: p, steps: [{targets: [{person: vera}], delay: 5m}]}]
        """)
        let planner = NotificationPlanner(resolver: OnCallResolver(config: config))
        let now = t("2026-11-21T03:00:00Z")
        let p = planner.plan(for: config.person("vera")!, incident: Fixtures.incident(customer: "leasing-west"), at: now)
        #expect(p.map(\.contact.id) == ["vera.email"])
        #expect(p.first?.reason == "no rule reached this person: first contact method")
    }

    @Test func sharedChannelsAreMessagedAtOnce() {
        let now = t("2026-11-21T03:00:00+01:00")
        let p = planner.plan(for: .channel("soc-bridge"), incident: Fixtures.incident(priority: .p1), at: now)
        #expect(p.map(\.contact.id) == ["channel:soc-bridge"])
        #expect(p.first?.contact.kind == .slack)
    }

    @Test func routingPicksThePolicy() {
        let router = PolicyRouter(config: config)
        #expect(router.policy(for: Fixtures.incident(customer: "bank-nord", priority: .p1))?.id == "major")
        #expect(router.policy(for: Fixtures.incident(customer: "bank-nord", priority: .p2))?.id == "two-hop", "the customer's playbook")
        #expect(router.policy(for: Fixtures.incident(customer: "factory-sued", priority: .p2))?.id == "standard")
        #expect(router.policy(for: Fixtures.incident(customer: "factory-sued", priority: .p5))?.id == "low")
        var chosen = Fixtures.incident(customer: "factory-sued", priority: .p1)
        chosen.playbookPolicy = "low"
        #expect(router.route(chosen)?.reason == .playbook)
        let unknownLevelOnly = Fixtures.incident(customer: "leasing-west", level: .critical, priority: nil)
        #expect(router.route(unknownLevelOnly)?.reason == .defaultPolicy)
    }
}
