import AsyncHTTPClient
import Foundation
import NIOHTTP1
import Testing
import VigilTestSupport
import VigilEvents
@testable import VigilOnCall

/// The pure machine driven against real webhooks on 127.0.0.1: configuration → policy → pages → deliveries → results.
@Suite struct EscalationDeliveryTests {
    let t0 = t("2026-11-21T02:10:00Z")
    let ackSecret = Secret("ack-secret-for-tests-0123456789abcdef")

    func config(_ receiver: TestHTTPReceiver) throws -> OnCallConfig {
        try Fixtures.load("""
        providers:
          ack: {base_url: "https://vigil.soc.example", secret: {env: ACK}}
        people:
          - {id: anna, name: Anna Becker, manager: jonas, contacts: [{webhook: "\(receiver.baseURL)/anna"}]}
          - {id: felix, name: Felix Braun, manager: jonas, contacts: [{webhook: "\(receiver.baseURL)/felix"}]}
          - {id: hanna, name: Hanna Keller, manager: jonas, contacts: [{webhook: "\(receiver.baseURL)/hanna"}]}
          - {id: jonas, name: Jonas Richter, contacts: [{webhook: "\(receiver.baseURL)/jonas"}]}
        schedules:
          - {id: l1, time_zone: Europe/Berlin, rules: [{person: anna}]}
          - {id: l2, time_zone: Europe/Berlin, rules: [{person: felix}]}
          - {id: l3, time_zone: Europe/Berlin, rules: [{person: hanna}]}
        customers:
          - {id: bank-nord, name: Nordbank AG, time_zone: Europe/Berlin}
        policies:
          - id: standard
            steps:
              - {name: L1 duty, targets: [{schedule: l1}], delay: 10m}
              - {name: L2, targets: [{schedule: l2}], delay: 15m}
              - {name: L3, targets: [{schedule: l3}], delay: 20m}
              - {name: 1st manager, targets: [{manager_of: {schedule: l3}}], delay: 30m}
        default_policy: standard
        """)
    }

    /// Performs the machine's actions like the daemon's driver: pages go out at once, results come back as events.
    struct LiveRun {
        var harness: EscalationHarness<OnCallDirectory>
        let composer: PageComposer
        let registry: ChannelRegistry
        let incident: OnCallIncident

        mutating func perform(_ actions: [EscalationAction]) async {
            var queue = actions
            while !queue.isEmpty {
                let action = queue.removeFirst()
                guard case .notify(let request) = action else { continue }
                let message = composer.compose(request, incident: incident, at: harness.now)
                let outcome = await registry.deliver(message)
                queue += harness.send(.deliveryReported(request.key, outcome))
            }
        }

        mutating func trigger() async { await perform(harness.send(.triggered)) }

        mutating func advance(to time: Timestamp) async {
            // Fire timers one at a time so each page's result is reported before the next timer.
            while let next = harness.timers.map(\.1).filter({ $0 <= time }).min() {
                await perform(harness.advance(to: next))
            }
            harness.now = time
        }
    }

    func start(_ receiver: TestHTTPReceiver) throws -> LiveRun {
        let config = try config(receiver)
        let directory = OnCallDirectory(config: config)
        let incident = Fixtures.incident()
        let policy = try #require(directory.policy(for: incident))
        let signer = try AckLinkSigner(secret: ackSecret)
        return LiveRun(
            harness: EscalationHarness(machine: EscalationStateMachine(incident: incident, policy: policy, retry: config.providers.retry),
                                       directory: directory, now: t0),
            composer: PageComposer(directory: directory, signer: signer, ackBaseURL: config.providers.ack?.baseURL),
            registry: try ChannelRegistry.make(providers: config.providers, httpClient: .shared, environment: [:]),
            incident: incident)
    }

    @Test func aWebhookThatFailsForAWhileIsRetriedThenDelivered() async throws {
        let receiver = try await TestHTTPReceiver.start { _, index in
            index < 2 ? TestHTTPReceiver.Response(status: .internalServerError, body: "database down") : TestHTTPReceiver.Response(body: "{}")
        }
        defer { Task { await receiver.shutdown() } }
        var run = try start(receiver)
        await run.trigger()
        #expect(receiver.requests.count == 1)
        await run.advance(to: t0 + .seconds(14))
        #expect(receiver.requests.count == 1, "backoff: nothing before 15 s")
        await run.advance(to: t0 + .seconds(15))
        #expect(receiver.requests.count == 2)
        await run.advance(to: t0 + .seconds(45))
        #expect(receiver.requests.count == 3, "second backoff is 30 s")
        #expect(receiver.requests.map { $0.headers.first(name: "Idempotency-Key") ?? "" }
            == ["INC-1/1/anna.webhook/1", "INC-1/1/anna.webhook/2", "INC-1/1/anna.webhook/3"])
        #expect(receiver.requests.allSatisfy { $0.uri == "/anna" })
        let entries = run.harness.log.timeline
        #expect(timeline(.retryScheduled, in: entries).map(\.text) == [
            "webhook to Anna Becker failed (HTTP 500: database down); attempt 2 in 15s",
            "webhook to Anna Becker failed (HTTP 500: database down); attempt 3 in 30s",
        ])
        #expect(timeline(.delivered, in: entries).map(\.at) == [t0 + .seconds(45)])
        #expect(run.harness.machine.stepIndex == 0, "delivered within step 1's ten minutes")
    }

    @Test func fullEscalationThroughThreeStepsAndTheManager() async throws {
        let receiver = try await TestHTTPReceiver.start()
        defer { Task { await receiver.shutdown() } }
        var run = try start(receiver)
        await run.trigger()
        await run.advance(to: t0 + .hours(2))
        #expect(receiver.requests.map(\.uri) == ["/anna", "/felix", "/hanna", "/jonas"])
        let delivered = run.harness.log.timeline.filter { $0.kind == .delivered }.map(\.at)
        #expect(delivered == [t0, t0 + .minutes(10), t0 + .minutes(25), t0 + .minutes(45)])
        #expect(run.harness.machine.phase == .exhausted)
        let body = try #require(try JSONSerialization.jsonObject(with: Data(receiver.requests[3].body)) as? [String: Any])
        #expect(body["step"] as? String == "step 4 (1st manager)")
    }

    @Test func anAcknowledgementThroughTheLinkAtStepTwoStopsIt() async throws {
        let receiver = try await TestHTTPReceiver.start()
        defer { Task { await receiver.shutdown() } }
        var run = try start(receiver)
        await run.trigger()
        await run.advance(to: t0 + .minutes(12))
        #expect(receiver.requests.map(\.uri) == ["/anna", "/felix"])
        // Felix taps the link from his page.
        let body = try #require(try JSONSerialization.jsonObject(with: Data(receiver.requests[1].body)) as? [String: Any])
        let link = try #require(body["ack_url"] as? String)
        let token = String(try #require(link.split(separator: "/").last))
        let claims = try AckLinkSigner(secret: ackSecret).verify(token, now: run.harness.now)
        #expect(claims.incident == "INC-1")
        #expect(claims.recipient == "felix")
        #expect(claims.allows(.acknowledge))
        await run.perform(run.harness.send(.acknowledged(by: claims.recipient)))
        await run.advance(to: t0 + .hours(5))
        #expect(receiver.requests.count == 2, "nobody else is paged")
        #expect(run.harness.log.timeline.last?.kind == .acknowledged)
        #expect(run.harness.log.timeline.last?.actor == "felix")
    }

    private func timeline(_ kind: EscalationTimelineEntry.Kind, in entries: [EscalationTimelineEntry]) -> [EscalationTimelineEntry] {
        entries.filter { $0.kind == kind }
    }
}
