import Testing
import VigilEvents
@testable import VigilDetection

@Suite("Playbooks: isolation, tuning, overrides, exclusions, business hours")
struct PlaybookTests {
    static let sshFailed = """
        title: SSH failed login
        id: ssh-failed
        name: ssh_failed_login
        level: low
        tags: [attack.credential_access]
        logsource: {product: linux, service: sshd}
        detection:
            sel:
                event.outcome: failure
            condition: sel
        """
    static let brute = """
        title: SSH brute force
        id: ssh-brute
        name: ssh_brute_force
        level: medium
        tags: [attack.t1110]
        correlation:
            type: event_count
            rules: [ssh_failed_login]
            group-by: [source.ip]
            timespan: 5m
            condition: {gte: 5}
        vigil:
            summary: "{count} failed SSH logins from {source.ip} on {host.name} for {user.name}"
            response: ["Block {source.ip}."]
        """
    static let rat = """
        title: Remote access tool started
        id: rat
        level: medium
        logsource: {product: linux, category: process_creation}
        detection:
            sel:
                process.name: [anydesk, teamviewer]
            condition: sel
        """
    static let logsources = """
        logsources:
            - product: linux
            - product: linux
              service: sshd
              conditions:
                  process.name: sshd
            - category: process_creation
              conditions:
                  event.action: exec
        """

    static func playbook(_ id: String, _ body: String) -> String {
        "id: \(id)\nname: \(id.capitalized)\ntimezone: Europe/Berlin\n" + body
    }

    func failed(_ ip: String, customer: CustomerID, at s: Int64, seq: UInt64 = 0) -> Event {
        event(fieldList: [("process.name", "sshd"), ("event.outcome", "failure"), ("source.ip", .string(ip)), ("host.name", "db1"),
                          ("user.name", "root")], time: at(s), customer: customer, sequence: seq)
    }

    @Test func aPlaybookNeverSeesAnotherCustomersEvents() throws {
        let bank = PlaybookTests.playbook("bank", "enable: [ssh_brute_force]\n")
        let factory = PlaybookTests.playbook("factory", "enable: [ssh_brute_force]\nrules:\n    ssh_brute_force:\n        threshold: 3\n")
        let set = try load([PlaybookTests.sshFailed, PlaybookTests.brute], playbooks: ["bank": bank, "factory": factory],
                           logsources: PlaybookTests.logsources, defaultCustomer: nil)
        // Same source address, 3 events at each customer: the factory (threshold 3) fires, the bank (5) does not,
        // and six events do not add up across customers.
        var events: [Event] = []
        for i in 0..<3 {
            events.append(failed("203.0.113.7", customer: "bank", at: Int64(i) * 10, seq: UInt64(2 * i)))
            events.append(failed("203.0.113.7", customer: "factory", at: Int64(i) * 10 + 1, seq: UInt64(2 * i + 1)))
        }
        let hits = run(set, events)
        #expect(hits.count == 1)
        #expect(hits.first?.customer == "factory")
        #expect(hits.first?.eventSequences == [1, 3, 5])
        // An unknown customer matches nothing, and is counted.
        let engine = DetectionEngine(ruleSet: set)
        #expect(engine.process(failed("203.0.113.7", customer: "stranger", at: 0)).isEmpty)
        #expect(engine.statistics.eventsWithoutPlaybook == 1)
    }

    @Test func enableByIdNameTagAndPathAndDisable() throws {
        let byTag = PlaybookTests.playbook("a", "enable:\n    - {tag: attack.t11*}\n")
        let byPath = PlaybookTests.playbook("b", "enable:\n    - {path: 'library/r2.yml'}\n")
        let disabled = PlaybookTests.playbook("c", "enable:\n    - {all: true}\ndisable:\n    - rat\n")
        let set = try load([PlaybookTests.sshFailed, PlaybookTests.brute, PlaybookTests.rat],
                           playbooks: ["a": byTag, "b": byPath, "c": disabled], logsources: PlaybookTests.logsources, defaultCustomer: nil)
        #expect(set.activeRules(for: "a") == ["ssh-brute", "ssh-failed"])
        #expect(set.activeRules(for: "b") == ["rat"])
        #expect(set.activeRules(for: "c") == ["ssh-brute", "ssh-failed"])
    }

    @Test func overridesOfLevelThresholdTimespanAndGroupBy() throws {
        let pb = PlaybookTests.playbook("bank", """
            enable: [ssh_brute_force]
            rules:
                ssh_brute_force:
                    level: critical
                    threshold: 2
                    timespan: 30s
                    group-by: [user.name]
                    response: ["Call the bank's SOC liaison.", "Lock the account."]
                    impact: high
                    urgency: medium
            """)
        let set = try load([PlaybookTests.sshFailed, PlaybookTests.brute], playbooks: ["bank": pb], logsources: PlaybookTests.logsources,
                           defaultCustomer: nil)
        // Two sources, one user, 20 s apart: grouped by user now, threshold 2.
        let hits = run(set, [failed("198.51.100.1", customer: "bank", at: 0), failed("198.51.100.2", customer: "bank", at: 20, seq: 1)])
        let hit = try #require(hits.first)
        #expect(hits.count == 1)
        #expect(hit.level == .critical)
        #expect(hit.group == [GroupValue(field: "user.name", value: "root")])
        #expect(hit.responseSteps == ["Call the bank's SOC liaison.", "Lock the account."])
        #expect(hit.impact == .high)
        #expect(hit.urgency == .medium)
        // 40 s apart: outside the 30 s timespan.
        #expect(run(set, [failed("198.51.100.1", customer: "bank", at: 0), failed("198.51.100.2", customer: "bank", at: 40, seq: 1)]).isEmpty)
    }

    @Test func filtersExcludeAKnownScanner() throws {
        let pb = PlaybookTests.playbook("bank", """
            enable: [ssh_brute_force]
            rules:
                ssh_brute_force: {threshold: 2}
            filters:
                - title: Qualys scanner
                  rules: [ssh_failed_login]
                  scanner:
                      source.ip|cidr: 192.0.2.0/28
                  condition: scanner
            """)
        let set = try load([PlaybookTests.sshFailed, PlaybookTests.brute], playbooks: ["bank": pb], logsources: PlaybookTests.logsources,
                           defaultCustomer: nil)
        #expect(run(set, [failed("192.0.2.5", customer: "bank", at: 0), failed("192.0.2.5", customer: "bank", at: 1, seq: 1)]).isEmpty)
        #expect(run(set, [failed("192.0.2.50", customer: "bank", at: 0), failed("192.0.2.50", customer: "bank", at: 1, seq: 1)]).count == 1)
    }

    @Test func sigmaFilterDocumentsApplyToEveryCustomer() throws {
        let filter = """
            title: Ignore the backup host
            filter:
                rules: [ssh_failed_login]
                selection:
                    host.name: backup01
                condition: selection
            """
        let set = try load([PlaybookTests.sshFailed, filter], logsources: PlaybookTests.logsources)
        let e = event(["process.name": "sshd", "event.outcome": "failure", "host.name": "backup01"])
        #expect(run(set, [e]).isEmpty)
        #expect(run(set, [event(["process.name": "sshd", "event.outcome": "failure", "host.name": "web01"])]).count == 1)
    }

    @Test func guestWiFiSeverityOverrideIsRecordedWithWhoAndWhy() throws {
        let pb = PlaybookTests.playbook("leasing", """
            enable: [rat]
            severity_overrides:
                - rules: [rat]
                  when:
                      source.ip|cidr: 172.30.0.0/16
                  level: critical
                  requested_by: "J. Doe, CISO"
                  reason: "Guest Wi-Fi must never run remote-access tools; page at any hour."
            """)
        let set = try load([PlaybookTests.rat], playbooks: ["leasing": pb], logsources: PlaybookTests.logsources, defaultCustomer: nil)
        let guest = event(["event.action": "exec", "process.name": "AnyDesk", "source.ip": "172.30.4.2"], customer: "leasing")
        let office = event(["event.action": "exec", "process.name": "anydesk", "source.ip": "10.1.1.2"], customer: "leasing")
        let g = try #require(run(set, [guest]).first)
        #expect(g.level == .medium)  // the technical level stays
        #expect(g.severityOverride == SeverityOverride(level: .critical, requestedBy: "J. Doe, CISO",
                                                       reason: "Guest Wi-Fi must never run remote-access tools; page at any hour."))
        let o = try #require(run(set, [office]).first)
        #expect(o.severityOverride == nil)
    }

    @Test func monitoringExclusionsSkipEventsAndAreListed() throws {
        let pb = PlaybookTests.playbook("bank", """
            enable: [rat]
            monitoring_exclusions:
                - name: Billing system
                  match:
                      host.name|startswith: billing-
                  approver: "M. Mustermann, CFO"
                  date: 2026-01-15
                  reason: Core billing system; the customer declined monitoring.
            """)
        let set = try load([PlaybookTests.rat], playbooks: ["bank": pb], logsources: PlaybookTests.logsources, defaultCustomer: nil)
        let exclusion = try #require(set.playbooks["bank"]?.monitoringExclusions.first)
        #expect(exclusion.name == "Billing system")
        #expect(exclusion.approver == "M. Mustermann, CFO")
        #expect(exclusion.date == "2026-01-15")
        let engine = DetectionEngine(ruleSet: set, options: .init(allowedLateness: .zero))
        #expect(engine.process(event(["event.action": "exec", "process.name": "anydesk", "host.name": "billing-db1"], customer: "bank")).isEmpty)
        #expect(engine.process(event(["event.action": "exec", "process.name": "anydesk", "host.name": "crm-db1"], customer: "bank")).count == 1)
        #expect(engine.statistics.eventsExcluded == 1)
    }

    @Test func businessHoursAreEvaluatedInTheCustomersZone() throws {
        let rule = """
            title: Admin login outside business hours
            id: admin-off-hours
            logsource: {product: linux, service: sshd}
            detection:
                sel:
                    event.outcome: success
                    user.name: [root, admin]
                condition: sel
            vigil:
                when:
                    business_hours: outside
            """
        let bank = PlaybookTests.playbook("bank", "enable: [admin-off-hours]\nbusiness_hours:\n    mon-fri: '08:00-18:00'\n    holidays: [2026-12-24]\n")
        let factory = "id: factory\nname: Factory\ntimezone: America/New_York\nenable: [admin-off-hours]\nbusiness_hours:\n    mon-sat: ['06:00-14:00', '14:00-22:00']\n"
        let set = try load([rule], playbooks: ["bank": bank, "factory": factory], logsources: PlaybookTests.logsources, defaultCustomer: nil)
        func login(_ iso: String, _ customer: CustomerID) -> Event {
            event(fieldList: [("process.name", "sshd"), ("event.outcome", "success"), ("user.name", "root")],
                  time: Timestamp(rfc3339: iso)!, customer: customer)
        }
        // 2026-11-02 is a Monday; Berlin is UTC+1 in November.
        #expect(run(set, [login("2026-11-02T06:59:00Z", "bank")]).count == 1)   // 07:59 local, before 08:00
        #expect(run(set, [login("2026-11-02T07:00:00Z", "bank")]).isEmpty)      // 08:00 local
        #expect(run(set, [login("2026-11-02T16:59:00Z", "bank")]).isEmpty)      // 17:59 local
        #expect(run(set, [login("2026-11-02T17:00:00Z", "bank")]).count == 1)   // 18:00 local
        #expect(run(set, [login("2026-11-07T10:00:00Z", "bank")]).count == 1)   // Saturday
        #expect(run(set, [login("2026-12-24T10:00:00Z", "bank")]).count == 1)   // a holiday
        // The factory works two shifts in New York (UTC-5): 06:00-22:00 Monday to Saturday.
        #expect(run(set, [login("2026-11-07T20:00:00Z", "factory")]).isEmpty)   // Saturday 15:00 local
        #expect(run(set, [login("2026-11-08T20:00:00Z", "factory")]).count == 1) // Sunday
        #expect(run(set, [login("2026-11-03T03:30:00Z", "factory")]).count == 1) // Monday 22:30 local
    }

    @Test func businessHoursOvernightShift() {
        var days = [[BusinessHours.Interval]](repeating: [], count: 8)
        days[5] = [TimeOfDay.parseRange("22:00-06:00")!]  // Friday night shift
        let week = BusinessHours(days: days)
        #expect(week.contains(CivilDateTime(year: 2026, month: 11, day: 6, hour: 23)))   // Friday 23:00
        #expect(week.contains(CivilDateTime(year: 2026, month: 11, day: 7, hour: 5)))    // Saturday 05:00
        #expect(!week.contains(CivilDateTime(year: 2026, month: 11, day: 7, hour: 6)))   // Saturday 06:00
        #expect(!week.contains(CivilDateTime(year: 2026, month: 11, day: 6, hour: 21)))
        #expect(TimeOfDay.parseDays("fri-mon") == [5, 6, 7, 1])
    }

    @Test func summaryTemplateAndResponse() throws {
        let set = try load([PlaybookTests.sshFailed, PlaybookTests.brute], logsources: PlaybookTests.logsources)
        let hits = run(set, (0..<5).map { failed("203.0.113.9", customer: "default", at: Int64($0), seq: UInt64($0)) })
        let hit = try #require(hits.first)
        #expect(hit.summary == "5 failed SSH logins from 203.0.113.9 on db1 for root")
        #expect(hit.responseSteps == ["Block 203.0.113.9."])
        #expect(hit.tags == ["attack.t1110"])
    }

    @Test func hitIDsAreDeterministic() throws {
        let set = try load([PlaybookTests.sshFailed, PlaybookTests.brute], logsources: PlaybookTests.logsources)
        let events = (0..<5).map { failed("203.0.113.9", customer: "default", at: Int64($0), seq: UInt64($0)) }
        #expect(run(set, events).map(\.id) == run(set, events).map(\.id))
        #expect(Set(run(set, events).map(\.id)).count == 1)
    }
}
