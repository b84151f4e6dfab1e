import Foundation
import NIOHTTP1
import PostgresNIO
import Testing
import VigilEvents
import VigilIncidents
import VigilTestSupport
@testable import VigilOnCall
@testable import VigilStore

/// The paging engine against a real PostgreSQL and real HTTP receivers, time driven by a manual clock.
@Suite(.serialized) struct PagingEngineTests {
    @Test func aFullEscalationThroughThreeStepsWithoutAcknowledgement() async throws {
        let receiver = try await TestHTTPReceiver.start()
        try await TestPostgres.withDatabase(maxConnections: 8) { client, _ in
            let clock = ManualClock(Paging.t0)
            try await Paging.apply(Paging.threeSteps(receiver), client: client, clock: clock)
            let engine = Paging.engine(client, clock: clock)
            try await Paging.running([engine]) {
                let id = try #require(try await Paging.raise([Paging.hit()], client: client, clock: clock).first)
                // Each page's outcome is recorded before the clock moves on; otherwise a lapsed lease re-sends it, as designed.
                func sent(_ n: Int) async throws -> Bool {
                    try await Paging.eventually {
                        try await Paging.column(client, "SELECT status FROM vigil.page_outbox ORDER BY id", as: String.self) == Array(repeating: "sent", count: n)
                    }
                }
                #expect(try await Paging.eventually { Paging.paths(receiver) == ["/anna"] })
                #expect(try await sent(1))
                for (minutes, expected) in [(5, ["/anna", "/ben"]), (10, ["/anna", "/ben", "/clara"])] {
                    try await Paging.advance(clock, to: Paging.t0 + .minutes(Int64(minutes)), client: client)
                    engine.wake()
                    #expect(try await Paging.eventually { Paging.paths(receiver) == expected }, "at +\(minutes)m: \(Paging.paths(receiver))")
                    #expect(try await sent(expected.count))
                }
                try await Paging.advance(clock, to: Paging.t0 + .minutes(15), client: client)
                engine.wake()
                #expect(try await Paging.eventually {
                    try await Paging.column(client, "SELECT phase FROM vigil.escalations WHERE incident_id = \(id)", as: String.self) == ["exhausted"]
                })
                #expect(Paging.paths(receiver) == ["/anna", "/ben", "/clara"], "nobody else is paged after the last step")
                let keys = receiver.requests.map { $0.headers.first(name: "Idempotency-Key") ?? "" }
                #expect(keys == ["\(id)/1/anna.webhook/1", "\(id)/2/ben.webhook/1", "\(id)/3/clara.webhook/1"])
                #expect(try await Paging.eventually {
                    try await Paging.column(client, "SELECT status FROM vigil.page_outbox ORDER BY id", as: String.self) == ["sent", "sent", "sent"]
                })
                let timeline = try await Paging.timeline(client, incident: id)
                for expected in ["escalation vigil: triggered: escalation starts with policy three (chosen by default_policy)",
                                 "escalation vigil: step_started: step 1 (L1): paging Anna Becker",
                                 "page vigil: delivery_attempted: step 1 (L1): webhook to Anna Becker, attempt 1",
                                 "page vigil: delivered: webhook to Anna Becker delivered",
                                 "escalation vigil: step_timed_out: step 1 (L1): no acknowledgement within 5m",
                                 "escalation vigil: step_started: step 3 (L3): paging Clara Wolf",
                                 "escalation vigil: exhausted: nobody acknowledged after every step of three"] {
                    #expect(timeline.contains { $0.hasPrefix(expected) }, "missing '\(expected)' in \(timeline)")
                }
                // The page is in plain words and carries a working, signed acknowledgement link.
                let body = try #require(receiver.requests.first?.body)
                let json = try #require(try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])
                let link = try #require(json["ack_url"] as? String)
                #expect(link.hasPrefix("https://vigil.test/ack/"))
                let claims = try Paging.ackLinks.signer.verify(String(link.dropFirst("https://vigil.test/ack/".count)), now: clock.now)
                #expect(claims.incident == String(id) && claims.recipient == "anna" && claims.allows(.acknowledge))
                #expect((json["text"] as? String)?.contains("Nordbank AG needs the SOC") == true)
            }
        }
        await receiver.shutdown()
    }

    @Test func anAcknowledgementAtStepTwoStopsTheEscalation() async throws {
        let receiver = try await TestHTTPReceiver.start()
        try await TestPostgres.withDatabase(maxConnections: 8) { client, _ in
            let clock = ManualClock(Paging.t0)
            try await Paging.apply(Paging.threeSteps(receiver), client: client, clock: clock)
            let engine = Paging.engine(client, clock: clock)
            try await Paging.running([engine]) {
                let id = try #require(try await Paging.raise([Paging.hit()], client: client, clock: clock).first)
                #expect(try await Paging.eventually { Paging.paths(receiver) == ["/anna"] })
                try await Paging.advance(clock, to: Paging.t0 + .minutes(5), client: client)
                engine.wake()
                #expect(try await Paging.eventually { Paging.paths(receiver) == ["/anna", "/ben"] })
                try await Paging.advance(clock, to: Paging.t0 + .minutes(7), client: client)
                let outcome = try await IncidentRepository(client: client, clock: clock, logger: Paging.logger).acknowledge(id, by: "Ben Schulz")
                #expect(outcome == .changed(from: .new, to: .acknowledged))
                #expect(try await Paging.eventually {
                    try await Paging.column(client, "SELECT phase FROM vigil.escalations WHERE incident_id = \(id)", as: String.self) == ["acknowledged"]
                }, "the engine heard the acknowledgement through NOTIFY vigil_incident_status")
                #expect(try await Paging.column(client, "SELECT count(*) FROM vigil.escalation_timers", as: Int.self) == [0], "every timer is cancelled")
                try await Paging.advance(clock, to: Paging.t0 + .minutes(30), client: client)
                engine.wake()
                try await Task.sleep(for: .milliseconds(300))
                #expect(Paging.paths(receiver) == ["/anna", "/ben"], "step 3 is never paged")
                let timeline = try await Paging.timeline(client, incident: id)
                #expect(timeline.contains("acknowledged Ben Schulz: acknowledged by Ben Schulz"))
                #expect(timeline.contains { $0.hasPrefix("escalation Ben Schulz: paging stopped, acknowledged by Ben Schulz") })
                let at = try await Paging.column(client, """
                    SELECT at FROM vigil.incident_timeline WHERE incident_id = \(id) AND kind = 'acknowledged'
                    """, as: Date.self)
                #expect(at.map(Timestamp.init(date:)) == [Paging.t0 + .minutes(7)], "recorded with actor and time")
            }
        }
        await receiver.shutdown()
    }

    @Test func anUnresolvedAcknowledgementPagesAgainAfterTheTimeoutAndResolvingEndsIt() async throws {
        let receiver = try await TestHTTPReceiver.start()
        try await TestPostgres.withDatabase(maxConnections: 8) { client, _ in
            let clock = ManualClock(Paging.t0)
            try await Paging.apply(Paging.threeSteps(receiver, ackTimeout: "1h"), client: client, clock: clock)
            let engine = Paging.engine(client, clock: clock)
            let repository = IncidentRepository(client: client, clock: clock, logger: Paging.logger)
            try await Paging.running([engine]) {
                let id = try #require(try await Paging.raise([Paging.hit()], client: client, clock: clock).first)
                #expect(try await Paging.eventually { Paging.paths(receiver) == ["/anna"] })
                try await Paging.advance(clock, to: Paging.t0 + .minutes(2), client: client)
                _ = try await repository.acknowledge(id, by: "Anna Becker")
                #expect(try await Paging.eventually {
                    try await Paging.column(client, "SELECT phase FROM vigil.escalations", as: String.self) == ["acknowledged"]
                })
                try await Paging.advance(clock, to: Paging.t0 + .minutes(62), client: client)
                engine.wake()
                #expect(try await Paging.eventually { Paging.paths(receiver) == ["/anna", "/anna"] }, "\(Paging.paths(receiver))")
                #expect(receiver.requests.last?.headers.first(name: "Idempotency-Key") == "\(id)/2/anna.webhook/1")
                // Still acknowledged in the incident row; the sweep must not stop the new round by itself.
                try await Paging.advance(clock, to: Paging.t0 + .minutes(63), client: client)
                engine.wake()
                try await Task.sleep(for: .milliseconds(200))
                #expect(try await Paging.column(client, "SELECT phase FROM vigil.escalations", as: String.self) == ["escalating"])
                // Answering the new page (the link's button, or the API) stops it although the row was already acknowledged.
                try await engine.acknowledged(incident: id, by: "Anna Becker")
                #expect(try await Paging.column(client, "SELECT phase FROM vigil.escalations", as: String.self) == ["acknowledged"])
                try await Paging.advance(clock, to: Paging.t0 + .minutes(64), client: client)
                _ = try await repository.resolve(id, by: "Anna Becker")
                #expect(try await Paging.eventually {
                    try await Paging.column(client, "SELECT phase FROM vigil.escalations", as: String.self) == ["resolved"]
                })
                try await Paging.advance(clock, to: Paging.t0 + .hours(3), client: client)
                engine.wake()
                try await Task.sleep(for: .milliseconds(200))
                #expect(Paging.paths(receiver) == ["/anna", "/anna"])
                let timeline = try await Paging.timeline(client, incident: id)
                #expect(timeline.contains { $0.contains("ack_timed_out: acknowledged by Anna Becker") && $0.contains("paging again from step 1") })
                #expect(timeline.contains { $0.hasPrefix("resolved Anna Becker: resolved by Anna Becker") })
                #expect(timeline.filter { $0.contains("paging stopped, acknowledged by Anna Becker") }.count == 2)
            }
        }
        await receiver.shutdown()
    }

    @Test func aWebhookThatFailsForAWhileIsRetriedThenDelivered() async throws {
        let receiver = try await TestHTTPReceiver.start { _, n in
            n < 2 ? TestHTTPReceiver.Response(status: .internalServerError, body: "{\"error\":\"busy\"}") : TestHTTPReceiver.Response()
        }
        try await TestPostgres.withDatabase(maxConnections: 8) { client, _ in
            let clock = ManualClock(Paging.t0)
            try await Paging.apply(Paging.threeSteps(receiver), client: client, clock: clock)
            let engine = Paging.engine(client, clock: clock)
            try await Paging.running([engine]) {
                let id = try #require(try await Paging.raise([Paging.hit()], client: client, clock: clock).first)
                #expect(try await Paging.eventually { receiver.requests.count == 1 })
                // 15 s, then 30 s of backoff (the standard retry policy), decided on the manual clock.
                for (at, count) in [(15, 2), (45, 3)] {
                    #expect(try await Paging.eventually {
                        try await Paging.column(client, "SELECT count(*) FROM vigil.escalation_timers WHERE timer_key LIKE 'delivery/%'", as: Int.self) == [1]
                    })
                    try await Paging.advance(clock, to: Paging.t0 + .seconds(Int64(at)), client: client)
                    engine.wake()
                    #expect(try await Paging.eventually { receiver.requests.count == count })
                }
                let keys = receiver.requests.map { $0.headers.first(name: "Idempotency-Key") ?? "" }
                #expect(keys == ["\(id)/1/anna.webhook/1", "\(id)/1/anna.webhook/2", "\(id)/1/anna.webhook/3"])
                #expect(try await Paging.eventually {
                    try await Paging.column(client, "SELECT status FROM vigil.page_outbox ORDER BY id", as: String.self) == ["failed", "failed", "sent"]
                })
                let errors = try await Paging.column(client, "SELECT last_error FROM vigil.page_outbox WHERE status = 'failed'", as: String.self)
                #expect(errors.allSatisfy { $0.hasPrefix("HTTP 500") })
                let timeline = try await Paging.timeline(client, incident: id)
                #expect(timeline.filter { $0.contains("retry_scheduled") }.count == 2)
                #expect(timeline.contains { $0.contains("webhook to Anna Becker failed (HTTP 500: {\"error\":\"busy\"}); attempt 2 in 15s") })
                #expect(timeline.contains { $0.hasPrefix("page vigil: delivered: webhook to Anna Becker delivered") })
                #expect(Paging.paths(receiver) == ["/anna", "/anna", "/anna"], "step 2 is not paged: the delay has not passed")
            }
        }
        await receiver.shutdown()
    }

    /// A webhook that refuses for good: the engine falls back to the person's email, delivered through a real SMTP server.
    @Test func aFailingChannelFallsBackToTheNextContactThroughRealSMTP() async throws {
        let receiver = try await TestHTTPReceiver.start { _, _ in TestHTTPReceiver.Response(status: .gone, body: "unknown hook") }
        let smtp = try await TestSMTPServer.start(TestSMTPServer.Options(startTLS: false, auth: false))
        defer { smtp.stop() }
        try await TestPostgres.withDatabase(maxConnections: 8) { client, _ in
            let clock = ManualClock(Paging.t0)
            try await Paging.apply("""
                version: 1
                providers:
                  smtp: {host: 127.0.0.1, port: \(smtp.port), security: none, from: "Vigil SOC <vigil@soc.example>", helo: vigil.test}
                people:
                  - id: anna
                    name: Anna Becker
                    contacts: [{webhook: "\(receiver.baseURL)/anna"}, {email: anna.becker@soc.example}]
                    notification:
                      rules: [{urgency: [high, critical], channels: [webhook]}]
                policies:
                  - {id: p, steps: [{name: L1, targets: [{person: anna}], delay: 10m}]}
                customers:
                  - {id: bank-nord, name: Nordbank AG, time_zone: Europe/Berlin}
                default_policy: p
                """, client: client, clock: clock)
            let engine = Paging.engine(client, clock: clock)
            try await Paging.running([engine]) {
                let id = try #require(try await Paging.raise([Paging.hit()], client: client, clock: clock).first)
                let mails = try await smtp.waitForMessages(1)
                let mail = try #require(mails.first)
                #expect(Paging.paths(receiver) == ["/anna"])
                #expect(mail.rcpt_tos == ["anna.becker@soc.example"])
                #expect(mail.data.contains("X-Vigil-Idempotency-Key: \(id)/1/anna.email/1"))
                #expect(mail.data.contains("Subject: [P2] Nordbank AG: SSH brute force, then a successful login"))
                #expect(mail.data.contains("https://vigil.test/ack/"))
                #expect(try await Paging.eventually {
                    try await Paging.column(client, "SELECT kind || ' ' || status FROM vigil.page_outbox ORDER BY id", as: String.self)
                        == ["webhook failed", "email sent"]
                })
                let timeline = try await Paging.timeline(client, incident: id)
                #expect(timeline.contains { $0.contains("webhook to Anna Becker failed for good (HTTP 410: unknown hook)") })
                #expect(timeline.contains { $0.contains("fallback: falling back from webhook to email for Anna Becker") })
                #expect(timeline.contains { $0.hasPrefix("page vigil: delivered: email to Anna Becker delivered") })
            }
        }
        await receiver.shutdown()
    }
}
