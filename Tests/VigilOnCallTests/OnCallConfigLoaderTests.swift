import Foundation
import Testing
import VigilEvents
@testable import VigilOnCall

@Suite struct OnCallConfigLoaderTests {
    @Test func loadsTheExample() throws {
        let config = try Fixtures.example()
        #expect(Set(config.customers.map(\.id)) == ["bank-nord", "factory-sued", "leasing-west"])
        #expect(config.people.count == 14)
        #expect(config.defaultPolicy == "standard")
        let tom = try #require(config.person("tom"))
        #expect(tom.contacts.map(\.id) == ["tom.voice", "tom.sms", "tom.email", "tom.telegram"])
        #expect(tom.manager == "katrin")
        let major = try #require(config.policy("major"))
        #expect(major.steps.count == 5)
        #expect(major.steps[3].targets == [.managerOf(.schedule("l3"))])
        #expect(major.steps[4].only?.priorities == [.p1])
        #expect(major.ackTimeout == .hours(1))
        #expect(config.rotation("l3-daily")?.shift == .days(2))
        #expect(config.schedule("sm-bank-nord")?.overrides.first?.kind == .replace(replaced: "tom"))
        let factory = try #require(config.customer("factory-sued"))
        #expect(factory.channelSwitches.first?.enabled == false)
        #expect(factory.channelSwitches.first?.window == TimeWindow(from: TimeOfDay(hour: 22), to: TimeOfDay(hour: 7)))
        #expect(config.providers.twilio?.authToken == .file("/etc/vigil/secrets/twilio-token"))
    }

    @Test func theLoadedConfigurationSurvivesJSON() throws {
        let config = try Fixtures.example()
        let data = try JSONEncoder().encode(config)
        #expect(try JSONDecoder().decode(OnCallConfig.self, from: data) == config)
    }

    @Test func reportsEveryProblemWithLineAndColumn() {
        let yaml = """
        version: 1
        people:
          - id: petra
            name: Petra
            contacts:
              - sms: "0151 123"
              - email: petra@localhost
              - slack: https://hooks.slack.com/services/nope
          - id: petra
            contacts:
              - webhook: ftp://x.example/
        rotations:
          - id: r1
            time_zone: Europe/Atlantis
            shift: fortnightly
            start: 2026-13-01T09:00
            participants: [petra, nobody]
        policies:
          - id: p
            steps:
              - targets: [{schedule: ghost}]
                delay: 10x
        default_policy: missing
        """
        let diagnostics = Fixtures.diagnostics(yaml)
        let lines = diagnostics.map(\.description)
        func has(_ line: Int, _ column: Int, _ fragment: String) -> Bool {
            diagnostics.contains { $0.line == line && $0.column == column && $0.message.contains(fragment) }
        }
        #expect(has(6, 14, "E.164"), "\(lines)")
        #expect(has(6, 14, "providers.twilio"), "\(lines)")
        #expect(has(7, 16, "two labels"), "\(lines)")
        #expect(has(8, 16, "hooks.slack.com/services"), "\(lines)")
        #expect(has(9, 9, "duplicate person id 'petra'"), "\(lines)")
        #expect(has(11, 18, "http or https"), "\(lines)")
        #expect(has(14, 16, "unknown time zone 'Europe/Atlantis'"), "\(lines)")
        #expect(has(15, 12, "'shift' must be hourly"), "\(lines)")
        #expect(has(16, 12, "'start' must be a local date"), "\(lines)")
        #expect(has(17, 27, "unknown person 'nobody'"), "\(lines)")
        #expect(has(21, 30, "unknown schedule 'ghost'"), "\(lines)")
        #expect(has(22, 16, "'delay' must be a duration"), "\(lines)")
        #expect(has(23, 17, "unknown policy 'missing'"), "\(lines)")
        #expect(lines.allSatisfy { $0.hasPrefix("test.yml:") })
        #expect(diagnostics == diagnostics.sorted { ($0.line, $0.column) < ($1.line, $1.column) })
    }

    @Test func syntaxErrorsCarryThePosition() {
        let error = #expect(throws: OnCallConfigError.self) {
            try OnCallConfigLoader.load(yaml: "people:\n  - id: a\n    name: [unclosed\n", file: "bad.yml")
        }
        #expect(error?.code == .syntax)
        let d = error?.diagnostics.first
        #expect(d?.file == "bad.yml")
        #expect((d?.line ?? 0) >= 3)
        #expect(d?.description.hasPrefix("bad.yml:") == true)
    }

    @Test func duplicateKeysAreRejected() {
        let error = #expect(throws: OnCallConfigError.self) {
            try OnCallConfigLoader.load(yaml: "default_policy: a\ndefault_policy: b\n", file: "dup.yml")
        }
        #expect(error?.diagnostics.first?.message.contains("duplicate key") == true)
    }

    @Test func unknownKeysAreNotIgnored() {
        let diagnostics = Fixtures.diagnostics("""
        peopel: []
        default_policy: p
        policies:
          - id: p
            steps:
              - targets: [service_manager]
                delay: 5m
                dealy: 10m
        """)
        #expect(diagnostics.contains { $0.line == 1 && $0.column == 1 && $0.message.contains("unknown key 'peopel'") })
        #expect(diagnostics.contains { $0.line == 8 && $0.message.contains("unknown key 'dealy'") })
    }

    @Test func secretsMustBeReferences() {
        let diagnostics = Fixtures.diagnostics("""
        providers:
          telegram:
            bot_token: "123456:ABCDEF-literal-token"
        default_policy: p
        policies: [{id: p, steps: [{targets: [service_manager], delay: 5m}]}]
        """)
        #expect(diagnostics.count == 1)
        #expect(diagnostics.first?.message.contains("secrets never go into this file") == true)
        #expect(diagnostics.first.map { !$0.description.contains("ABCDEF") } == true, "the secret is not echoed")
    }

    @Test func conflictingOverridesAreRejected() {
        let diagnostics = Fixtures.diagnostics("""
        \(Fixtures.providersYAML)
        people:
          - {id: tom, contacts: [{sms: "+4915110000012"}]}
          - {id: uwe, contacts: [{sms: "+4915110000014"}]}
          - {id: vera, contacts: [{sms: "+4915110000015"}]}
        schedules:
          - id: sm
            time_zone: Europe/Berlin
            rules: [{person: tom}]
            overrides:
              - {replace: tom, with: uwe, from: "2026-12-23T18:00:00+01:00", to: "2026-12-28T08:00:00+01:00"}
              - {replace: tom, with: vera, from: "2026-12-27T08:00:00+01:00", to: "2026-12-30T08:00:00+01:00"}
              - {add: vera, from: "2026-12-28T08:00:00+01:00", to: "2026-12-29T08:00:00+01:00"}
              - {remove: uwe, from: "2026-12-28T08:00:00+01:00", to: "2026-12-29T08:00:00+01:00"}
              - {add: uwe, from: "2027-01-02T08:00:00+01:00", to: "2027-01-01T08:00:00+01:00"}
        default_policy: p
        policies: [{id: p, steps: [{targets: [{schedule: sm}], delay: 5m}]}]
        """)
        let messages = diagnostics.map(\.message)
        #expect(diagnostics.contains { $0.line == 21 && $0.message.contains("conflicts with the override at line 20") }, "\(messages)")
        #expect(diagnostics.contains { $0.line == 22 && $0.message.contains("conflicts with the override at line 21") },
                "add vera overlaps replace tom→vera")
        #expect(!diagnostics.contains { $0.line == 23 }, "remove uwe after uwe's replacement ended is fine")
        #expect(diagnostics.contains { $0.line == 24 && $0.message.contains("'to' must be after 'from'") })
        #expect(diagnostics.count == 3)
    }

    @Test func contactKindsNeedTheirProvider() {
        let diagnostics = Fixtures.diagnostics("""
        people:
          - id: petra
            contacts:
              - voice: "+4915110000013"
              - email: petra@soc.example
              - webhook: https://x.example/hook
        default_policy: p
        policies: [{id: p, steps: [{targets: [{person: petra}], delay: 5m}]}]
        """)
        #expect(diagnostics.map(\.line) == [4, 5])
        #expect(diagnostics[0].message.contains("providers.twilio"))
        #expect(diagnostics[1].message.contains("providers.smtp"))
    }

    @Test func notificationRulesMustUseTheirContacts() {
        let diagnostics = Fixtures.diagnostics("""
        \(Fixtures.providersYAML)
        people:
          - id: petra
            contacts: [{sms: "+4915110000013"}]
            notification:
              rules:
                - {urgency: critical, channels: [voice, sms]}
                - {urgency: urgentish, channels: [pager]}
              quiet_hours: {from: "22:00", to: "7:00"}
        default_policy: p
        policies: [{id: p, steps: [{targets: [{person: petra}], delay: 5m}]}]
        """)
        let messages = diagnostics.map(\.message)
        #expect(messages.contains { $0.contains("uses voice call but the person has no voice call contact") }, "\(messages)")
        #expect(messages.contains { $0.contains("'urgentish' is not an urgency") })
        #expect(messages.contains { $0.contains("unknown channel 'pager'") })
        #expect(messages.contains { $0.contains("time of day HH:MM") })
    }

    @Test func managerCyclesAndTargetShapes() {
        let diagnostics = Fixtures.diagnostics("""
        \(Fixtures.providersYAML)
        people:
          - {id: a, manager: b, contacts: [{sms: "+4915110000001"}]}
          - {id: b, manager: a, contacts: [{sms: "+4915110000002"}]}
        customers:
          - id: bank-nord
            service_manager: {channel: x}
        default_policy: p
        policies:
          - id: p
            repeat: 99
            steps:
              - {targets: [{manager_of: {channel: x}}, everyone], delay: 5m}
              - {targets: [], delay: 30s}
        """)
        let messages = diagnostics.map(\.message)
        #expect(messages.contains { $0.contains("manager chain loops") }, "\(messages)")
        #expect(messages.contains { $0.contains("service_manager must be {person: …} or {schedule: …}") })
        #expect(messages.contains { $0.contains("'repeat' must be between 0 and 20") })
        #expect(messages.contains { $0.contains("a channel has no manager") })
        #expect(messages.contains { $0.contains("a target is service_manager or one of") })
        #expect(messages.contains { $0.contains("needs at least one target") })
        #expect(messages.contains { $0.contains("'delay' must be at least 1m") })
    }

    @Test func yamsMarksAreOneBased() throws {
        let diagnostics = Fixtures.diagnostics("default_policy: nope\n")
        #expect(diagnostics.first?.line == 1)
        #expect(diagnostics.first?.column == 17)
    }

    @Test func shiftShapes() throws {
        func shift(_ text: String) throws -> ShiftLength? {
            let config = try Fixtures.load("""
            \(Fixtures.providersYAML)
            people: [{id: a, contacts: [{sms: "+4915110000001"}]}]
            rotations: [{id: r, time_zone: UTC, shift: \(text), start: "2026-01-05 09:00", participants: [a]}]
            default_policy: p
            policies: [{id: p, steps: [{targets: [{rotation: r}], delay: 5m}]}]
            """)
            return config.rotation("r")?.shift
        }
        #expect(try shift("hourly") == .hours(1))
        #expect(try shift("monthly") == .months(1))
        #expect(try shift("{hours: 12}") == .hours(12))
        #expect(try shift("{length: 36h}") == .custom(.hours(36)))
        #expect(try shift("{length: 3d}") == .days(3), "whole days keep the local hand-off")
        #expect(try shift("{length: 2w}") == .weeks(2))
    }
}
