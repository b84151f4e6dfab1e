import Testing
import VigilDetection
import VigilEvents
import VigilIncidents
@testable import VigilOnCall

/// The YAML-shaped JSON stored in jsonb columns and the audit, the apply diff, and command-line times.
@Suite struct OnCallJSONTests {
    @Test func targetsAndMatchesReadBackWhatTheyWrite() throws {
        let targets: [EscalationTarget] = [.person("tom"), .schedule("l1-duty"), .rotation("r"), .channel("bridge"), .serviceManager,
                                           .managerOf(.managerOf(.schedule("l3")))]
        for target in targets {
            let text = OnCallJSON.target(target).text
            #expect(OnCallJSON.target(from: try JSONValue(parsing: text)) == target, "\(text)")
        }
        #expect(OnCallJSON.target(.managerOf(.schedule("l3"))).text == #"{"manager_of":{"schedule":"l3"}}"#)
        #expect(OnCallJSON.target(.serviceManager).text == #""service_manager""#)
        let match = IncidentMatch(customers: ["bank-nord"], priorities: [.p2, .p1], levels: [.high], urgencies: [.critical], scenarios: ["a", "b"])
        let text = OnCallJSON.match(match).text
        #expect(text == #"{"customer":["bank-nord"],"level":["high"],"priority":["P1","P2"],"scenario":["a","b"],"urgency":["critical"]}"#)
        #expect(OnCallJSON.match(from: try JSONValue(parsing: text)) == match)
        #expect(OnCallJSON.match(from: try JSONValue(parsing: #"{"priority":["P9"]}"#)) == nil)
        #expect(OnCallJSON.target(from: try JSONValue(parsing: #"{"person":"a","schedule":"b"}"#)) == nil)
    }

    @Test func providerSettingsRoundTripWithSecretsAsReferencesOnly() throws {
        let providers = try Fixtures.example().providers
        let json = OnCallJSON.providers(providers)
        #expect(OnCallJSON.providers(from: try JSONValue(parsing: json.text)) == providers)
        #expect(json["smtp"]?["password"]?.text == #"{"file":"/etc/vigil/secrets/smtp-password"}"#)
        #expect(json["telegram"]?["bot_token"]?.text == #"{"env":"VIGIL_TELEGRAM_TOKEN"}"#)
    }

    @Test(arguments: [#"{"a":[1,-2,true,false,null,"x\"\\\n\u00e9\ud83d\ude00"]}"#, "[]", "{}", #""plain""#])
    func parsesJSONText(_ text: String) throws {
        let value = try JSONValue(parsing: text)
        #expect(try JSONValue(parsing: value.text) == value)
    }

    @Test(arguments: ["", "{", #"{"a":}"#, "[1,]x", "1.5", #""\u12""#])
    func refusesMalformedJSON(_ text: String) {
        #expect(throws: JSONValueError.self) { try JSONValue(parsing: text) }
    }

    @Test func theDiffReadsLikeTheFile() throws {
        let old = try Fixtures.example()
        var new = old
        new.policies[0].steps[1].delay = .minutes(20)
        new.people.removeAll { $0.id == "uwe" }
        new.people.append(Person(id: "vera", name: "Vera Lang", contacts: [ContactMethod(id: "vera.email", kind: .email, address: "vera@soc.example")]))
        new.routes.removeLast()
        let changes = OnCallConfigDiff.changes(from: old, to: new)
        #expect(changes.map(\.description) == [
            "+ person vera",
            "- person uwe",
            "~ policy standard\n    steps[1].delay: \"15m\" → \"20m\"",
            "- route 2",
        ])
        #expect(changes[2].auditDetail["changes"]?.text == #"["steps[1].delay: \"15m\" → \"20m\""]"#)
        #expect(OnCallConfigDiff.changes(from: old, to: old).isEmpty)
        #expect(OnCallConfigDiff.changes(from: nil, to: old).allSatisfy { $0.action == .created })
        #expect(OnCallConfigDiff.pathOrder("steps[2].x", "steps[10].x"))
    }

    @Test func commandLineTimesAreRFC3339OrLocalInAStatedZone() throws {
        let berlin = try #require(ZoneRules(identifier: "Europe/Berlin"))
        #expect(InstantParser.parse("2026-12-24T22:30:00+01:00", zone: .utc) == t("2026-12-24T21:30:00Z"))
        #expect(InstantParser.parse("2026-12-24 22:30", zone: berlin) == t("2026-12-24T21:30:00Z"))
        #expect(InstantParser.parse("2026-07-01T09:00", zone: berlin) == t("2026-07-01T07:00:00Z"), "summer time")
        #expect(InstantParser.parse("2026-03-29 02:30", zone: berlin) == t("2026-03-29T01:30:00Z"), "the skipped hour moves forward")
        #expect(InstantParser.parse("24.12.2026 22:30", zone: berlin) == nil)
        #expect(InstantParser.parse("2026-02-30 10:00", zone: berlin) == nil)
        #expect(InstantParser.format(t("2026-12-24T21:30:00Z"), zone: berlin) == "2026-12-24 22:30 (+01:00)")
    }

    @Test func whoAnswersFromTheExample() throws {
        let config = try Fixtures.example()
        let berlin = try #require(ZoneRules(identifier: "Europe/Berlin"))
        let report = OnCallReport(config: config, zone: berlin)
        let christmas = t("2026-12-24T22:30:00+01:00")
        let everyone = report.everyone(at: christmas)
        #expect(everyone.contains("Uwe Baumann (uwe) — override: stands in for Tom Fischer (tom) until 2026-12-28 08:00 (+01:00) (Tom on leave over Christmas)"))
        #expect(everyone.contains("Dave Miller (dave) — rotation l1-newyork"))
        let customer = report.customer("bank-nord", at: christmas)
        #expect(customer.contains("service manager: Uwe Baumann (uwe) — schedule sm-bank-nord"))
        #expect(customer.contains("policy by priority: P1 → major (route 1); P2, P3 → two-hop (customer entry); P4, P5 → low (route 2)"))
        #expect(customer.contains("step 5 (emergency meeting), waits 30m (only {\"priority\":[\"P1\"]}): channel SOC emergency bridge, Katrin Lange (katrin)"))
        let standard = report.policy(try #require(config.policy("standard")), at: t("2026-11-21T03:00:00+01:00"))
        #expect(standard.contains("for factory-sued: Greta Hoffmann (greta), Petra Hansen (petra)"))
        let gaps = report.gaps([CoverageGap(policy: "standard", stepIndex: 0, stepLabel: "step 1 (L1 duty)", customer: nil,
                                            from: t("2026-11-22T06:00:00Z"), to: t("2026-11-22T08:00:00Z"))],
                               from: t("2026-11-21T00:00:00Z"), to: t("2026-12-05T00:00:00Z"))
        #expect(gaps.contains("standard step 1 (L1 duty): NOBODY from 2026-11-22 07:00 (+01:00) to 2026-11-22 09:00 (+01:00) (2h)"))
        #expect(report.gaps([], from: christmas, to: christmas + .days(14)).contains("no gaps"))
    }
}
