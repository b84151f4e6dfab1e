import Testing
import VigilEvents
@testable import VigilDetection

/// The examples of the Sigma correlation specification, run as tests, plus the bugs other engines shipped.
@Suite("Sigma correlation examples and semantics")
struct CorrelationSpecTests {
    static let failedLogin = """
        title: Single failed login
        id: 53ba33fd-3a50-4468-a5ef-c583635cfa92
        name: failed_login
        logsource:
            product: windows
            service: security
        detection:
            selection:
                EventID:
                    - 529
                    - 4625
            condition: selection
        """
    static let successfulLogin = """
        title: Successful login
        id: 4d0a2c83-c62c-4ed4-b475-c7e23a9269b8
        name: successful_login
        logsource:
            product: windows
            service: security
        detection:
            selection:
                EventID:
                    - 528
                    - 4624
            condition: selection
        """

    func login(_ id: Int, user: String, host: String = "ws1", at s: Int64, seq: UInt64 = 0, customer: CustomerID = "default") -> Event {
        event(fieldList: [("EventID", .int(Int64(id))), ("User", .string(user)), ("ComputerName", .string(host))], time: at(s),
              customer: customer, sequence: seq)
    }

    @Test func eventCountManyFailedLogins() throws {
        let corr = """
            title: Many failed logins
            id: 0e95725d-7320-415d-80f7-004da920fc11
            correlation:
                type: event_count
                rules:
                    - 53ba33fd-3a50-4468-a5ef-c583635cfa92
                group-by:
                    - ComputerName
                timespan: 1h
                condition:
                    gte: 100
            """
        let set = try load([CorrelationSpecTests.failedLogin, corr])
        // 99 failures on ws1 within the hour: nothing; the 100th fires.
        var events = (0..<99).map { login(4625, user: "u\($0 % 7)", at: Int64($0) * 30, seq: UInt64($0)) }
        events.append(login(4625, user: "x", host: "ws2", at: 100, seq: 500))
        #expect(run(set, events).isEmpty)
        events.append(login(529, user: "u1", at: 99 * 30, seq: 99))
        let hits = run(set, events)
        #expect(hits.count == 1)
        let hit = try #require(hits.first)
        #expect(hit.ruleID == "0e95725d-7320-415d-80f7-004da920fc11")
        #expect(hit.count == 100)
        #expect(hit.group == [GroupValue(field: "ComputerName", value: "ws1")])
        #expect(hit.eventSequences.count == 100)
        #expect(!hit.eventSequences.contains(500))
        #expect(hit.evidence.count == 20)
        #expect(hit.firstTime == at(0))
        #expect(hit.lastTime == at(99 * 30))
    }

    @Test func valueCountDistinctUsers() throws {
        let corr = """
            title: Failed login
            id: 0e95725d-7320-415d-80f7-004da920fc12
            correlation:
                type: value_count
                rules:
                    - 53ba33fd-3a50-4468-a5ef-c583635cfa92
                group-by:
                    - ComputerName
                    - WorkstationName
                timespan: 1d
                condition:
                    field: User
                    gte: 5
            """
        let set = try load([CorrelationSpecTests.failedLogin, corr])
        func e(_ user: String, _ s: Int64, ws: String = "w1") -> Event {
            event(fieldList: [("EventID", 4625), ("User", .string(user)), ("ComputerName", "dc1"), ("WorkstationName", .string(ws))], time: at(s))
        }
        // Repeats of the same users do not count; 5 distinct users on one (dc1, w1) pair do.
        let quiet = [e("a", 0), e("a", 1), e("b", 2), e("b", 3), e("c", 4), e("d", 5), e("e", 6, ws: "w2")]
        #expect(run(set, quiet).isEmpty)
        let hits = run(set, quiet + [e("f", 7)])
        #expect(hits.count == 1)
        #expect(hits.first?.group == [GroupValue(field: "ComputerName", value: "dc1"), GroupValue(field: "WorkstationName", value: "w1")])
        #expect(hits.first?.count == 7)
    }

    static func recon(_ name: String, _ cmd: String) -> String {
        """
        title: Recon \(name)
        name: \(name)
        logsource: {product: windows, category: process_creation}
        detection:
            selection:
                Image|endswith: '\\\(cmd)'
            condition: selection
        """
    }

    @Test func temporalReconInAnyOrder() throws {
        let corr = """
            title: Recon commands
            id: recon-burst
            correlation:
                type: temporal
                rules:
                    - recon_cmd_a
                    - recon_cmd_b
                    - recon_cmd_c
                group-by:
                    - ComputerName
                    - User
                timespan: 5m
            """
        let set = try load([CorrelationSpecTests.recon("recon_cmd_a", "whoami.exe"), CorrelationSpecTests.recon("recon_cmd_b", "net.exe"),
                            CorrelationSpecTests.recon("recon_cmd_c", "ipconfig.exe"), corr])
        func p(_ image: String, _ s: Int64, user: String = "bob", host: String = "pc1") -> Event {
            event(fieldList: [("Image", .string("C:\\Windows\\" + image)), ("User", .string(user)), ("ComputerName", .string(host))], time: at(s))
        }
        // c, a, b in 4 minutes: fires, in any order.
        #expect(run(set, [p("ipconfig.exe", 0), p("whoami.exe", 60), p("net.exe", 240)]).count == 1)
        // Spread over more than 5 minutes: nothing.
        #expect(run(set, [p("ipconfig.exe", 0), p("whoami.exe", 60), p("net.exe", 301)]).isEmpty)
        // Group-by equality at every step: another user's command never completes the set (hayabusa#1809).
        #expect(run(set, [p("ipconfig.exe", 0), p("whoami.exe", 60), p("net.exe", 120, user: "eve")]).isEmpty)
        #expect(run(set, [p("ipconfig.exe", 0), p("whoami.exe", 60), p("net.exe", 120, host: "pc2")]).isEmpty)
        // Two of the same rule are not two distinct rules.
        #expect(run(set, [p("ipconfig.exe", 0), p("ipconfig.exe", 10), p("whoami.exe", 60)]).isEmpty)
    }

    @Test func temporalWithPartialCondition() throws {
        let corr = """
            title: Two of three recon commands
            id: recon-two
            correlation:
                type: temporal
                rules: [recon_cmd_a, recon_cmd_b, recon_cmd_c]
                group-by: [User]
                timespan: 5m
                condition:
                    gte: 2
            """
        let set = try load([CorrelationSpecTests.recon("recon_cmd_a", "whoami.exe"), CorrelationSpecTests.recon("recon_cmd_b", "net.exe"),
                            CorrelationSpecTests.recon("recon_cmd_c", "ipconfig.exe"), corr])
        func p(_ image: String, _ s: Int64) -> Event {
            event(fieldList: [("Image", .string("C:\\" + image)), ("User", "bob")], time: at(s))
        }
        #expect(run(set, [p("net.exe", 0), p("whoami.exe", 10)]).count == 1)
    }

    static let chain = """
        title: Correlation - Multiple Failed Logins Followed by Successful Login
        id: b180ead8-d58f-40b2-ae54-c8940995b9b6
        status: experimental
        correlation:
            type: temporal_ordered
            rules:
                - multiple_failed_login
                - successful_login
            group-by:
                - User
            timespan: 10m
        falsepositives:
            - Unlikely
        level: high
        ---
        title: Multiple failed logons
        id: a8418a5a-5fc4-46b5-b23b-6c73beb19d41
        name: multiple_failed_login
        correlation:
            type: event_count
            rules:
                - failed_login
            group-by:
                - User
            timespan: 10m
            condition:
                gte: 10
        ---

        """ + failedLogin + "\n---\n" + successfulLogin

    @Test func failedLoginsFollowedBySuccessfulLogin() throws {
        let set = try load([CorrelationSpecTests.chain])
        var events: [Event] = []
        for i in 0..<10 { events.append(login(4625, user: "alice", at: Int64(i) * 20, seq: UInt64(i))) }
        events.append(login(4624, user: "alice", at: 300, seq: 10))
        let hits = run(set, events)
        // generate is false: neither the base rules nor the inner correlation give hits of their own.
        #expect(hits.map(\.ruleID) == ["b180ead8-d58f-40b2-ae54-c8940995b9b6"])
        let hit = try #require(hits.first)
        #expect(hit.level == .high)
        #expect(hit.count == 2)  // one inner hit, one successful login
        #expect(hit.eventSequences == Array(0...10))
        #expect(hit.group == [GroupValue(field: "User", value: "alice")])
        #expect(hit.firstTime == at(0))
        #expect(hit.lastTime == at(300))
    }

    @Test func temporalOrderedEnforcesOrder() throws {
        let set = try load([CorrelationSpecTests.chain])
        // The success comes first, the failures after: no hit (hayabusa#1810).
        var events = [login(4624, user: "alice", at: 0, seq: 0)]
        for i in 1...10 { events.append(login(4625, user: "alice", at: Int64(i) * 10, seq: UInt64(i))) }
        #expect(run(set, events).isEmpty)
        // Another user's success does not complete alice's sequence.
        var mixed: [Event] = []
        for i in 0..<10 { mixed.append(login(4625, user: "alice", at: Int64(i) * 10, seq: UInt64(i))) }
        mixed.append(login(4624, user: "bob", at: 200, seq: 20))
        #expect(run(set, mixed).isEmpty)
        // Too late: the success comes 10m after the burst began.
        var late: [Event] = []
        for i in 0..<10 { late.append(login(4625, user: "alice", at: Int64(i) * 10, seq: UInt64(i))) }
        late.append(login(4624, user: "alice", at: 601, seq: 20))
        #expect(run(set, late).isEmpty)
    }

    @Test func generateTrueKeepsTheReferencedRulesOutput() throws {
        let corr = """
            title: Many failed logins
            id: many
            correlation:
                type: event_count
                rules: [failed_login]
                group-by: [User]
                timespan: 10m
                condition: {gte: 3}
                generate: true
            """
        let set = try load([CorrelationSpecTests.failedLogin, corr])
        let hits = run(set, (0..<3).map { login(4625, user: "bob", at: Int64($0), seq: UInt64($0)) })
        #expect(hits.filter { $0.ruleID == "many" }.count == 1)
        #expect(hits.filter { $0.ruleID == "53ba33fd-3a50-4468-a5ef-c583635cfa92" }.count == 3)
    }

    @Test func fieldNameAliases() throws {
        let internalError = """
            title: internal error
            name: internal_error
            logsource: {category: webserver}
            detection:
                selection:
                    http.response.status_code: 500
                condition: selection
            """
        let connection = """
            title: new connection
            name: new_network_connection
            logsource: {category: network}
            detection:
                selection:
                    event.category: network
                    event.type: connection
                    event.outcome: success
                condition: selection
            """
        let corr = """
            title: Error then connection back
            id: alias-example
            correlation:
                type: temporal
                rules:
                    - internal_error
                    - new_network_connection
                group-by:
                    - internal_ip
                    - remote_ip
                timespan: 10s
                aliases:
                    internal_ip:
                        internal_error: destination.ip
                        new_network_connection: source.ip
                    remote_ip:
                        internal_error: source.ip
                        new_network_connection: destination.ip
            """
        let set = try load([internalError, connection, corr])
        let error = event(["http.response.status_code": 500, "destination.ip": "10.0.0.5", "source.ip": "203.0.113.9"], at: 0, sequence: 0)
        let conn = event(["event.category": "network", "event.type": "connection", "event.outcome": "success",
                          "source.ip": "10.0.0.5", "destination.ip": "203.0.113.9"], at: 5, sequence: 1)
        let hits = run(set, [error, conn])
        #expect(hits.count == 1)
        #expect(hits.first?.group == [GroupValue(field: "internal_ip", value: "10.0.0.5"), GroupValue(field: "remote_ip", value: "203.0.113.9")])
        // Swapped addresses are a different pair.
        let other = event(["event.category": "network", "event.type": "connection", "event.outcome": "success",
                           "source.ip": "203.0.113.9", "destination.ip": "10.0.0.5"], at: 5, sequence: 1)
        #expect(run(set, [error, other]).isEmpty)
    }

    static let bytesRule = """
        title: Outbound transfer
        name: transfer
        logsource: {category: network}
        detection:
            selection:
                event.action: transfer
            condition: selection
        """

    func transfer(_ bytes: Double, user: String = "u", at s: Int64) -> Event {
        event(fieldList: [("event.action", "transfer"), ("user.name", .string(user)), ("bytes", .double(bytes))], time: at(s))
    }

    @Test func valueSumAvgPercentile() throws {
        let sum = "title: s\nid: sum\ncorrelation:\n    type: value_sum\n    rules: [transfer]\n    group-by: [user.name]\n    timespan: 1h\n    condition: {field: bytes, gt: 1000}\n"
        let avg = "title: a\nid: avg\ncorrelation:\n    type: value_avg\n    rules: [transfer]\n    group-by: [user.name]\n    timespan: 1h\n    condition: {field: bytes, gt: 500}\n"
        let pct = "title: p\nid: p90\ncorrelation:\n    type: value_percentile\n    rules: [transfer]\n    group-by: [user.name]\n    timespan: 1h\n    condition: {field: bytes, percentile: 90, gte: 900}\n"
        let median = "title: m\nid: med\ncorrelation:\n    type: value_median\n    rules: [transfer]\n    group-by: [user.name]\n    timespan: 1h\n    condition: {field: bytes, gte: 450}\n"
        let set = try load([CorrelationSpecTests.bytesRule, sum, avg, pct, median])
        let hits = run(set, [transfer(400, at: 0), transfer(300, at: 10), transfer(350, at: 20)])
        #expect(hits.map(\.ruleID).sorted() == ["sum"])
        let avgHits = run(set, [transfer(600, at: 0)])
        #expect(avgHits.map(\.ruleID).sorted() == ["avg", "med"])
        // Ten values 100…1000: the 90th percentile (nearest rank) is 900.
        let ten = (1...10).map { transfer(Double($0) * 100, user: "v", at: Int64($0)) }
        #expect(run(set, ten).contains { $0.ruleID == "p90" })
        let nine = (1...9).map { transfer(Double($0) * 99, user: "w", at: Int64($0)) }
        #expect(!run(set, nine).contains { $0.ruleID == "p90" })
    }

    @Test func slidingWindowCatchesABurstAcrossAnHourBoundary() throws {
        let corr = "title: c\nid: c\ncorrelation:\n    type: event_count\n    rules: [failed_login]\n    group-by: [User]\n    timespan: 5m\n    condition: {gte: 5}\n"
        let set = try load([CorrelationSpecTests.failedLogin, corr])
        let base = Timestamp(rfc3339: "2026-11-02T10:58:00Z")!
        let events = (0..<5).map { i in
            event(fieldList: [("EventID", 4625), ("User", "alice")], time: base + .seconds(Int64(i) * 60), sequence: UInt64(i))
        }
        // 10:58 … 11:02: a fixed hourly (or 5-minute) bucket would split this burst.
        #expect(run(set, events).count == 1)
        // 6 minutes between the first and the fifth: no longer within 5 minutes.
        let spread = (0..<5).map { i in
            event(fieldList: [("EventID", 4625), ("User", "alice")], time: base + .seconds(Int64(i) * 90), sequence: UInt64(i))
        }
        #expect(run(set, spread).isEmpty)
    }

    @Test func oneHitPerBurstAndResetAfterFiring() throws {
        let corr = "title: c\nid: c\ncorrelation:\n    type: event_count\n    rules: [failed_login]\n    group-by: [User]\n    timespan: 5m\n    condition: {gte: 5}\n"
        let set = try load([CorrelationSpecTests.failedLogin, corr])
        // A burst of 40 attempts, 2s apart: one hit.
        var events = (0..<40).map { login(4625, user: "alice", at: Int64($0) * 2, seq: UInt64($0)) }
        #expect(run(set, events).count == 1)
        // After 5 quiet minutes a new burst starts from zero: the old events are not reused (wazuh#2771).
        events += (0..<4).map { login(4625, user: "alice", at: 1000 + Int64($0), seq: 100 + UInt64($0)) }
        #expect(run(set, events).count == 1)
        events.append(login(4625, user: "alice", at: 1010, seq: 200))
        let hits = run(set, events)
        #expect(hits.count == 2)
        #expect(hits.last?.count == 5)
        #expect(hits.last?.eventSequences == [100, 101, 102, 103, 200])
    }

    @Test func suppressionAndRealertAreConfigurable() throws {
        let corr = """
            title: c
            id: c
            correlation:
                type: event_count
                rules: [failed_login]
                group-by: [User]
                timespan: 1m
                condition: {gte: 3}
            vigil:
                suppress: 10m
                realert: 30m
            """
        let set = try load([CorrelationSpecTests.failedLogin, corr])
        // A steady attack every 20s for 2 hours: one hit, then a reminder every 30 minutes.
        let events = (0..<360).map { login(4625, user: "alice", at: Int64($0) * 20, seq: UInt64($0)) }
        let hits = run(set, events)
        #expect(hits.count == 4)
        #expect(hits.map { Int(($0.lastTime - t0).seconds) } == [40, 1840, 3640, 5440])
    }

    @Test func upperBoundConditionsAreDecidedWhenTheWindowCloses() throws {
        let corr = "title: c\nid: c\ncorrelation:\n    type: event_count\n    rules: [failed_login]\n    group-by: [User]\n    timespan: 5m\n    condition: {gte: 3, lte: 5}\n"
        let set = try load([CorrelationSpecTests.failedLogin, corr])
        let four = (0..<4).map { login(4625, user: "a", at: Int64($0) * 10, seq: UInt64($0)) }
        // Not decided until the window (first event + 5m) has passed.
        #expect(run(set, four, finish: false).isEmpty)
        let hits = run(set, four + [login(4625, user: "z", at: 400, seq: 99)])
        #expect(hits.count == 1)
        #expect(hits.first?.count == 4)
        let seven = (0..<7).map { login(4625, user: "a", at: Int64($0) * 10, seq: UInt64($0)) }
        #expect(run(set, seven + [login(4625, user: "z", at: 400, seq: 99)]).isEmpty)
    }

    @Test func lateEventsWithinTheAllowedLatenessCountAndLaterOnesDoNot() throws {
        let corr = "title: c\nid: c\ncorrelation:\n    type: event_count\n    rules: [failed_login]\n    group-by: [User]\n    timespan: 1m\n    condition: {gte: 3}\n"
        let set = try load([CorrelationSpecTests.failedLogin, corr])
        // Arrival order 0, 50, 20 (20 arrives 30s late), 55.
        let events = [login(4625, user: "a", at: 0, seq: 0), login(4625, user: "a", at: 50, seq: 1),
                      login(4625, user: "a", at: 20, seq: 2), login(4625, user: "x", at: 55, seq: 3)]
        #expect(run(set, events, lateness: .seconds(60)).count == 1)
        let engine = DetectionEngine(ruleSet: set, options: .init(allowedLateness: .seconds(10)))
        var hits: [Hit] = []
        for e in events { hits += engine.process(e) }
        hits += engine.advance(to: at(100))
        #expect(hits.isEmpty)
        #expect(engine.statistics.lateEventsDropped == 1)
    }

    @Test func correlationHitsWaitForTheWatermark() throws {
        let corr = "title: c\nid: c\ncorrelation:\n    type: event_count\n    rules: [failed_login]\n    group-by: [User]\n    timespan: 1m\n    condition: {gte: 2}\n"
        let set = try load([CorrelationSpecTests.failedLogin, corr])
        let engine = DetectionEngine(ruleSet: set, options: .init(allowedLateness: .seconds(30)))
        #expect(engine.process(login(4625, user: "a", at: 0)).isEmpty)
        #expect(engine.process(login(4625, user: "a", at: 10)).isEmpty)
        #expect(engine.statistics.pendingOccurrences == 2)
        // Time moves past 10s + 30s lateness: the hit is decided.
        #expect(engine.advance(to: at(41)).count == 1)
    }
}
