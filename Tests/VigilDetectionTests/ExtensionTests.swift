import Testing
import VigilEvents
@testable import VigilDetection

@Suite("Vigil extensions: absence, climbing severity, suppression, time of day")
struct ExtensionTests {
    static let heartbeat = """
        title: Log source gone silent
        id: source-silent
        level: high
        logsource: {product: test}
        detection:
            sel:
                kind: syslog
            condition: sel
        vigil:
            absence:
                timespan: 30m
                group-by: [host.name]
        """

    func beat(_ host: String, _ s: Int64, seq: UInt64 = 0) -> Event {
        event(fieldList: [("kind", "syslog"), ("host.name", .string(host))], time: at(s), sequence: seq)
    }

    @Test func absenceFiresOncePerSilence() throws {
        let set = try load([ExtensionTests.heartbeat])
        let engine = DetectionEngine(ruleSet: set, options: .init(allowedLateness: .zero))
        #expect(engine.process(beat("fw1", 0, seq: 0)).isEmpty)
        #expect(engine.process(beat("fw2", 60, seq: 1)).isEmpty)
        #expect(engine.process(beat("fw1", 1700, seq: 2)).isEmpty)
        // fw2 last spoke at 60s: silent for 30 minutes at 1860s.
        #expect(engine.advance(to: at(1860)).isEmpty)
        let hits = engine.advance(to: at(1861))
        let hit = try #require(hits.first)
        #expect(hits.count == 1)
        #expect(hit.ruleID == "source-silent")
        #expect(hit.group == [GroupValue(field: "host.name", value: "fw2")])
        #expect(hit.count == 0)
        #expect(hit.eventSequences == [1])
        #expect(hit.firstTime == at(60))
        #expect(hit.lastTime == at(1860))
        #expect(hit.summary.contains("nothing heard for host.name fw2"))
        // It does not repeat while the silence goes on; fw1 goes silent later.
        let later = engine.advance(to: at(4000))
        #expect(later.map { $0.group.first?.value } == ["fw1"])
        // A source that comes back and goes silent again is reported again.
        #expect(engine.process(beat("fw2", 5000, seq: 3)).isEmpty)
        #expect(engine.advance(to: at(5000 + 1801)).map { $0.group.first?.value } == ["fw2"])
    }

    @Test func absenceKnowsExpectedSourcesFromThePlaybook() throws {
        let rule = ExtensionTests.heartbeat.replacingOccurrences(of: "group-by: [host.name]", with: "group-by: [host.name]\n        expect: ['%sensors%']")
        let pb = "id: bank\nname: Bank\ntimezone: UTC\nenable: [source-silent]\nplaceholders:\n    sensors: [ids1, ids2]\n"
        let set = try load([rule], playbooks: ["bank": pb], defaultCustomer: nil)
        let engine = DetectionEngine(ruleSet: set, options: .init(allowedLateness: .zero))
        _ = engine.process(event(fieldList: [("kind", "syslog"), ("host.name", "ids1")], time: at(0), customer: "bank"))
        let hits = engine.advance(to: at(1801))
        // ids2 never spoke at all: still caught.
        #expect(hits.compactMap { $0.group.first?.value }.sorted() == ["ids1", "ids2"])
    }

    @Test func expectedSourcesOfASilentCustomerAreWatchedToo() throws {
        let rule = ExtensionTests.heartbeat.replacingOccurrences(of: "group-by: [host.name]", with: "group-by: [host.name]\n        expect: ['%sensors%']")
        let pb = "id: bank\nname: Bank\ntimezone: UTC\nenable: [source-silent]\nplaceholders:\n    sensors: [ids1]\n"
        let set = try load([rule], playbooks: ["bank": pb], defaultCustomer: nil)
        let engine = DetectionEngine(ruleSet: set, options: .init(allowedLateness: .zero))
        // No event at all from the bank: the daemon's clock-driven watermark is enough.
        #expect(engine.advance(to: at(0)).isEmpty)
        #expect(engine.advance(to: at(1801)).compactMap { $0.group.first?.value } == ["ids1"])
    }

    static let adminLogin = """
        title: Admin login
        id: admin-login
        level: low
        logsource: {product: test}
        detection:
            sel:
                event.action: login
                user.name: trader7
            condition: sel
        vigil:
            group-by: [user.name]
            climb: {after: 3, within: 30d}
        """

    @Test func climbingSeverityRaisesRepeatedHitsOnOneSubject() throws {
        let set = try load([ExtensionTests.adminLogin])
        let events = (0..<10).map { i in
            event(fieldList: [("event.action", "login"), ("user.name", "trader7")], time: at(Int64(i) * 86_400), sequence: UInt64(i))
        }
        let hits = run(set, events)
        #expect(hits.map(\.level) == [.low, .low, .low, .medium, .medium, .medium, .high, .high, .high, .critical])
        #expect(hits[3].summary.contains("level raised from low to medium"))
        #expect(hits[0].group == [GroupValue(field: "user.name", value: "trader7")])
        // Outside the 30-day window the count starts again.
        let spread = (0..<5).map { i in
            event(fieldList: [("event.action", "login"), ("user.name", "trader7")], time: at(Int64(i) * 40 * 86_400), sequence: UInt64(i))
        }
        #expect(run(set, spread).allSatisfy { $0.level == .low })
    }

    @Test func detectionSuppressionPerSubject() throws {
        let rule = """
            title: RAT started
            id: rat
            logsource: {product: test}
            detection:
                sel:
                    process.name: anydesk
                condition: sel
            vigil:
                group-by: [host.name]
                suppress: 10m
            """
        let set = try load([rule])
        func start(_ host: String, _ s: Int64) -> Event { event(["process.name": "anydesk", "host.name": .string(host)], at: s) }
        let hits = run(set, [start("a", 0), start("a", 60), start("b", 61), start("a", 500), start("a", 1200), start("a", 1700)])
        // a: 0 (hit), 60 and 500 suppressed (the burst goes on), 1200 is 700 s after 500: a new hit; 1700 suppressed.
        #expect(hits.map { "\($0.group[0].value)@\(Int(($0.firstTime - t0).seconds))" } == ["a@0", "b@61", "a@1200"])
    }

    @Test func whenOnACorrelationGatesTheHit() throws {
        let base = "title: sudo\nname: sudo_root\nlogsource: {product: test}\ndetection:\n    sel:\n        process.name: sudo\n    condition: sel\n"
        let corr = """
            title: Many sudo at night
            id: sudo-night
            correlation:
                type: event_count
                rules: [sudo_root]
                group-by: [user.name]
                timespan: 10m
                condition: {gte: 2}
            vigil:
                when: {hours: '22:00-06:00'}
            """
        let set = try load([base, corr])
        func sudo(_ iso: String, _ seq: UInt64) -> Event {
            event(fieldList: [("process.name", "sudo"), ("user.name", "ops")], time: Timestamp(rfc3339: iso)!, sequence: seq)
        }
        #expect(run(set, [sudo("2026-11-02T23:00:00Z", 0), sudo("2026-11-02T23:01:00Z", 1)]).count == 1)
        #expect(run(set, [sudo("2026-11-02T12:00:00Z", 0), sudo("2026-11-02T12:01:00Z", 1)]).isEmpty)
    }

    @Test func groupCapsEvictTheLeastRecentlyUsedGroup() throws {
        let base = "title: f\nname: f\nlogsource: {product: test}\ndetection:\n    sel:\n        k: x\n    condition: sel\n"
        let corr = "title: c\nid: c\ncorrelation:\n    type: event_count\n    rules: [f]\n    group-by: [g]\n    timespan: 1h\n    condition: {gte: 2}\n"
        let set = try load([base, corr])
        let engine = DetectionEngine(ruleSet: set, options: .init(allowedLateness: .zero, maxGroupsPerRule: 3))
        var hits: [Hit] = []
        for (i, g) in ["a", "b", "c", "d", "a", "d"].enumerated() {
            hits += engine.process(event(fieldList: [("k", "x"), ("g", .string(g))], time: at(Int64(i)), sequence: UInt64(i)))
        }
        // "a" was evicted when "d" arrived, so its second event starts over; "d" completes.
        #expect(hits.map { $0.group[0].value } == ["d"])
        let stats = engine.statistics
        #expect(stats.groupEvictions >= 1)
        #expect(stats.liveGroups <= 3)
        #expect(stats.liveGroupsByRule["c"] == stats.liveGroups)
    }
}
