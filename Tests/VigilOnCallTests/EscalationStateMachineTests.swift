import Foundation
import Testing
import VigilEvents
import VigilIncidents
@testable import VigilOnCall

@Suite struct EscalationStateMachineTests {
    let t0 = t("2026-11-21T02:10:00Z")

    func threeSteps(repeatCount: Int = 0, ackTimeout: TimeSpan? = nil) -> EscalationPolicy {
        EscalationPolicy(id: "p", name: "Standard", steps: [
            EscalationStep(name: "L1", targets: [.schedule("l1")], delay: .minutes(10)),
            EscalationStep(name: "L2", targets: [.schedule("l2")], delay: .minutes(15)),
            EscalationStep(name: "L3", targets: [.schedule("l3")], delay: .minutes(20)),
        ], repeatCount: repeatCount, ackTimeout: ackTimeout)
    }

    var staffed: FakeDirectory {
        FakeDirectory(steps: ["L1": [.person("anna")], "L2": [.person("felix")], "L3": [.person("hanna"), .person("ivan")]],
                      contacts: ["anna": FakeDirectory.phoneAndMail("anna"), "felix": FakeDirectory.phoneAndMail("felix"),
                                 "hanna": FakeDirectory.phoneAndMail("hanna"), "ivan": FakeDirectory.phoneAndMail("ivan")])
    }

    func harness(_ policy: EscalationPolicy, _ directory: FakeDirectory, retry: RetryPolicy = .standard) -> EscalationHarness<FakeDirectory> {
        EscalationHarness(machine: EscalationStateMachine(incident: Fixtures.incident(), policy: policy, retry: retry),
                          directory: directory, now: t0)
    }

    @Test func fullEscalationThroughThreeStepsWithoutAcknowledgement() {
        var h = harness(threeSteps(), staffed)
        let first = h.send(.triggered)
        #expect(first.notifications.map(\.key.description) == ["INC-1/1/anna.sms/1"])
        #expect(first.scheduled.map(\.1) == [t0 + .minutes(10)])
        #expect(first.timeline.map(\.kind) == [.triggered, .stepStarted, .deliveryAttempted])
        #expect(first.timeline(.stepStarted).first?.text == "step 1 (L1): paging Anna")

        let second = h.advance(to: t0 + .minutes(10))
        #expect(second.timeline(.stepTimedOut).first?.text == "step 1 (L1): no acknowledgement within 10m")
        #expect(second.notifications.map(\.key.description) == ["INC-1/2/felix.sms/1"])
        #expect(second.notifications.first?.stepIndex == 1)
        #expect(second.scheduled.map(\.1) == [t0 + .minutes(25)])

        let third = h.advance(to: t0 + .minutes(25))
        #expect(third.notifications.map(\.key.description) == ["INC-1/3/hanna.sms/1", "INC-1/3/ivan.sms/1"])
        #expect(third.notifications.allSatisfy { $0.stepLabel == "step 3 (L3)" })

        let end = h.advance(to: t0 + .minutes(45))
        #expect(end.notifications.isEmpty)
        #expect(end.timeline.map(\.kind) == [.stepTimedOut, .exhausted])
        #expect(h.machine.phase == .exhausted)
        #expect(h.timers.isEmpty)
        #expect(h.advance(by: .hours(5)).isEmpty)
    }

    @Test func acknowledgementAtStepTwoStopsTheEscalation() {
        var h = harness(threeSteps(), staffed)
        h.send(.triggered)
        h.advance(to: t0 + .minutes(10))
        #expect(h.machine.stepIndex == 1)
        h.now = t0 + .minutes(12)
        let ack = h.send(.acknowledged(by: "felix"))
        #expect(ack.first == .cancelTimers)
        #expect(ack.timeline(.acknowledged).first?.actor == "felix")
        #expect(ack.notifications.isEmpty)
        #expect(h.machine.phase == .acknowledged)
        // The old step deadline, if a driver still fires it, changes nothing.
        #expect(h.send(.timerFired(.stepDeadline(step: 2))).isEmpty)
        #expect(h.advance(by: .hours(3)).isEmpty)
        // A late delivery report is recorded, but nothing is retried.
        let late = h.send(.deliveryReported(IdempotencyKey(incident: "INC-1", step: 2, contact: "felix.sms", attempt: 1),
                                            .retryableFailure(reason: "HTTP 503", retryAfter: nil)))
        #expect(late.timeline.map(\.kind) == [.deliveryFailed])
        #expect(late.scheduled.isEmpty && late.notifications.isEmpty)
        #expect(h.send(.acknowledged(by: "anna")).isEmpty, "a second acknowledgement changes nothing")
    }

    @Test func aStepThatResolvesToNobodyIsSkippedAtOnce() {
        var directory = staffed
        directory.recipientsByStep = { name, _ in name == "L1" ? [.person("anna")] : name == "L3" ? [.person("hanna")] : [] }
        var h = harness(threeSteps(), directory)
        h.send(.triggered)
        let due = h.advance(to: t0 + .minutes(10))
        let skipped = due.timeline(.stepSkipped)
        #expect(skipped.map(\.text) == ["step 2 (L2) skipped: resolves to nobody"])
        #expect(skipped.first?.at == t0 + .minutes(10), "recorded at once, not after L2's 15 minutes")
        #expect(due.notifications.map(\.key.description) == ["INC-1/2/hanna.sms/1"], "L3 paged at the same instant")
        #expect(due.notifications.first?.stepIndex == 2)
        #expect(due.scheduled.map(\.1) == [t0 + .minutes(30)], "L3's own delay")
    }

    @Test func emptyFirstStepsAreSkippedAtTrigger() {
        var directory = staffed
        directory.recipientsByStep = { name, _ in name == "L3" ? [.person("ivan")] : [] }
        var h = harness(threeSteps(), directory)
        let actions = h.send(.triggered)
        #expect(actions.timeline(.stepSkipped).map(\.stepIndex) == [0, 1])
        #expect(actions.notifications.map(\.contact.id) == ["ivan.sms"])
        #expect(actions.notifications.first?.key.step == 1, "the first step actually paged has serial 1")
    }

    @Test func aPolicyThatResolvesToNobodyRaisesTheAlarm() {
        var directory = staffed
        directory.recipientsByStep = { _, _ in [] }
        var h = harness(threeSteps(repeatCount: 3), directory)
        let actions = h.send(.triggered)
        #expect(actions.timeline(.stepSkipped).count == 3)
        #expect(actions.timeline(.nobodyOnCall).count == 1)
        #expect(actions.timeline(.repeated).isEmpty, "repeating an empty policy at the same instant would loop")
        #expect(h.machine.phase == .exhausted)
        #expect(h.timers.isEmpty)
    }

    @Test func theWholePolicyRepeats() {
        var h = harness(threeSteps(repeatCount: 1), staffed)
        h.send(.triggered)
        h.advance(to: t0 + .minutes(25))
        let wrap = h.advance(to: t0 + .minutes(45))
        #expect(wrap.timeline(.repeated).first?.text == "nobody acknowledged: repeating Standard (pass 2 of 2)")
        #expect(wrap.notifications.map(\.key.description) == ["INC-1/4/anna.sms/1"])
        h.advance(to: t0 + .minutes(90))
        #expect(h.machine.phase == .exhausted)
        let keys = h.log.notifications.map(\.key)
        #expect(keys.map(\.step) == [1, 2, 3, 3, 4, 5, 6, 6])
        #expect(Set(keys).count == keys.count, "every page has its own idempotency key")
    }

    @Test func anUnresolvedAcknowledgementTriggersAgain() {
        var h = harness(threeSteps(ackTimeout: .minutes(30)), staffed)
        h.send(.triggered)
        h.now = t0 + .minutes(3)
        let ack = h.send(.acknowledged(by: "anna"))
        #expect(ack.scheduled.map(\.0) == [.ackTimeout(generation: 0)])
        #expect(ack.scheduled.map(\.1) == [t0 + .minutes(33)])
        let again = h.advance(to: t0 + .minutes(33))
        let entry = again.timeline(.ackTimedOut).first
        #expect(entry?.text.contains("acknowledged by anna at 2026-11-21T02:13:00Z but still unresolved after 30m") == true)
        #expect(again.notifications.map(\.key.description) == ["INC-1/2/anna.sms/1"])
        #expect(h.machine.generation == 1)
        #expect(h.machine.phase == .escalating)
        // A second acknowledgement, then resolution: the new timeout never fires.
        h.send(.acknowledged(by: "anna"))
        let resolved = h.send(.resolved(by: "anna"))
        #expect(resolved.last == .stop)
        #expect(h.advance(by: .hours(2)).isEmpty)
        #expect(h.send(.triggered).isEmpty && h.send(.acknowledged(by: "x")).isEmpty)
    }

    @Test func staleAckTimeoutIsIgnored() {
        var h = harness(threeSteps(ackTimeout: .minutes(30)), staffed)
        h.send(.triggered)
        h.send(.acknowledged(by: "anna"))
        h.now = t0 + .minutes(31)
        h.send(.timerFired(.ackTimeout(generation: 0)))
        #expect(h.machine.generation == 1)
        h.send(.acknowledged(by: "anna"))
        #expect(h.send(.timerFired(.ackTimeout(generation: 0))).isEmpty, "the first generation's timer is stale")
    }

    @Test func retriesWithBackoffThenFallsBackToTheNextContact() {
        var h = harness(threeSteps(), staffed, retry: RetryPolicy(maxAttempts: 3, initialBackoff: .seconds(15), multiplier: 2, maxBackoff: .minutes(5)))
        h.send(.triggered)
        let k1 = IdempotencyKey(incident: "INC-1", step: 1, contact: "anna.sms", attempt: 1)
        let r1 = h.send(.deliveryReported(k1, .retryableFailure(reason: "HTTP 503", retryAfter: nil)))
        #expect(r1.timeline(.retryScheduled).first?.text == "SMS to Anna failed (HTTP 503); attempt 2 in 15s")
        #expect(r1.scheduled.map(\.0) == [.delivery(k1.next)])
        #expect(r1.scheduled.map(\.1) == [t0 + .seconds(15)])
        let a2 = h.advance(by: .seconds(15))
        #expect(a2.notifications.map(\.key) == [k1.next])
        let r2 = h.send(.deliveryReported(k1.next, .retryableFailure(reason: "timed out", retryAfter: .seconds(40))))
        #expect(r2.scheduled.map(\.1) == [h.now + .seconds(40)], "Retry-After is longer than the 30 s backoff")
        let a3 = h.advance(by: .seconds(40))
        #expect(a3.notifications.map(\.key.attempt) == [3])
        let r3 = h.send(.deliveryReported(k1.next.next, .retryableFailure(reason: "HTTP 500", retryAfter: nil)))
        #expect(r3.timeline.map(\.kind) == [.deliveryFailed, .fallback, .deliveryAttempted])
        #expect(r3.timeline(.fallback).first?.text == "falling back from SMS to voice call for Anna")
        #expect(r3.notifications.map(\.key.description) == ["INC-1/1/anna.voice/1"])
        let ok = h.send(.deliveryReported(IdempotencyKey(incident: "INC-1", step: 1, contact: "anna.voice", attempt: 1), .delivered(providerID: "CA1")))
        #expect(ok.timeline(.delivered).first?.text == "voice call to Anna delivered (provider id CA1)")
        #expect(h.send(.deliveryReported(IdempotencyKey(incident: "INC-1", step: 1, contact: "anna.voice", attempt: 1), .delivered(providerID: nil))).isEmpty,
                "a duplicate report is ignored")
        // The step's own deadline is unchanged by the retries.
        #expect(h.timers.contains { $0.0 == .stepDeadline(step: 1) && $0.1 == t0 + .minutes(10) })
    }

    @Test func whenNobodyInAStepCanBeReachedTheNextStepIsPagedAtOnce() {
        var directory = staffed
        directory.contacts["anna"] = [ContactMethod(id: "anna.sms", kind: .sms, address: "+4915100000000"),
                                      ContactMethod(id: "anna.email", kind: .email, address: "anna@soc.example")]
        var h = harness(threeSteps(), directory)
        h.send(.triggered)
        h.now = t0 + .seconds(5)
        let first = h.send(.deliveryReported(IdempotencyKey(incident: "INC-1", step: 1, contact: "anna.sms", attempt: 1),
                                             .permanentFailure(reason: "HTTP 400: invalid 'To' number")))
        #expect(first.timeline(.deliveryFailed).first?.text == "SMS to Anna failed for good (HTTP 400: invalid 'To' number)")
        #expect(first.notifications.map(\.contact.id) == ["anna.email"])
        h.now = t0 + .seconds(9)
        let second = h.send(.deliveryReported(IdempotencyKey(incident: "INC-1", step: 1, contact: "anna.email", attempt: 1),
                                              .permanentFailure(reason: "550 no such user")))
        #expect(second.timeline.map(\.kind) == [.deliveryFailed, .recipientUnreachable, .stepUnreachable, .stepStarted, .deliveryAttempted])
        #expect(second.notifications.map(\.key.description) == ["INC-1/2/felix.sms/1"])
        #expect(second.timeline(.stepStarted).first?.at == t0 + .seconds(9), "not after the 10 minutes of step 1")
        // Step 1's deadline is now stale.
        #expect(h.send(.timerFired(.stepDeadline(step: 1))).isEmpty)
    }

    @Test func delayedDeliveriesWaitAndStopOnAcknowledgement() {
        var directory = staffed
        directory.plans["anna"] = [(0, .zero), (2, .minutes(5))]  // SMS now, email after 5 minutes
        var h = harness(threeSteps(), directory)
        let start = h.send(.triggered)
        #expect(start.notifications.map(\.contact.id) == ["anna.sms"])
        #expect(start.timeline(.deliveryPlanned).first?.text.hasPrefix("email to Anna planned for 2026-11-21T02:15:00Z") == true)
        let later = h.advance(to: t0 + .minutes(5))
        #expect(later.notifications.map(\.key.description) == ["INC-1/1/anna.email/1"])

        var h2 = harness(threeSteps(), directory)
        h2.send(.triggered)
        h2.now = t0 + .minutes(2)
        h2.send(.acknowledged(by: "anna"))
        #expect(h2.send(.timerFired(.delivery(IdempotencyKey(incident: "INC-1", step: 1, contact: "anna.email", attempt: 1)))).isEmpty)
    }

    @Test func deliveriesPlannedInEarlierStepsContinueUntilAcknowledged() {
        var directory = staffed
        directory.plans["anna"] = [(0, .zero), (1, .minutes(12))]  // voice after 12 minutes, beyond step 1's 10
        var h = harness(threeSteps(), directory)
        h.send(.triggered)
        let actions = h.advance(to: t0 + .minutes(12))
        #expect(actions.notifications.map(\.key.description) == ["INC-1/2/felix.sms/1", "INC-1/1/anna.voice/1"])
    }

    @Test func escalateByHandAndIncidentUpdates() {
        var h = harness(threeSteps(), staffed)
        h.send(.triggered)
        h.now = t0 + .minutes(1)
        let manual = h.send(.escalateNow(by: "anna"))
        #expect(manual.timeline(.escalatedByHand).first?.text == "anna escalated past step 1 (L1) by hand")
        #expect(manual.notifications.map(\.contact.id) == ["felix.sms"])
        #expect(h.send(.timerFired(.stepDeadline(step: 1))).isEmpty, "step 1's deadline is stale")
        var updated = Fixtures.incident(priority: .p1, count: 9)
        updated.id = "INC-1"
        let change = h.send(.incidentUpdated(updated))
        #expect(change.timeline(.updated).first?.text == "incident updated: priority P2 → P1, paging urgency high → critical, seen 9 times")
        #expect(h.advance(by: .minutes(15)).notifications.first?.urgency == .critical)
    }

    @Test func stepsLimitedToMajorIncidentsAreSkippedForOthers() {
        let policy = EscalationPolicy(id: "p", steps: [
            EscalationStep(name: "L1", targets: [.schedule("l1")], delay: .minutes(5)),
            EscalationStep(name: "bridge", targets: [.channel("bridge")], delay: .minutes(30), only: IncidentMatch(priorities: [.p1])),
        ])
        let directory = FakeDirectory(steps: ["L1": [.person("anna")], "bridge": [.channel("bridge")]],
                                      contacts: ["anna": FakeDirectory.phoneAndMail("anna")])
        var p2 = EscalationHarness(machine: EscalationStateMachine(incident: Fixtures.incident(priority: .p2), policy: policy),
                                   directory: directory, now: t0)
        p2.send(.triggered)
        let end = p2.advance(by: .minutes(5))
        #expect(end.timeline(.stepSkipped).first?.text == "step 2 (bridge) skipped: not for this incident")
        #expect(end.notifications.isEmpty)
        var p1 = EscalationHarness(machine: EscalationStateMachine(incident: Fixtures.incident(priority: .p1), policy: policy),
                                   directory: directory, now: t0)
        p1.send(.triggered)
        #expect(p1.advance(by: .minutes(5)).notifications.map(\.key.description) == ["INC-1/2/channel:bridge/1"])
    }

    @Test func theMachineSurvivesARestartThroughItsCodableState() throws {
        var h = harness(threeSteps(repeatCount: 1), staffed)
        h.send(.triggered)
        h.advance(to: t0 + .minutes(10))
        h.send(.deliveryReported(IdempotencyKey(incident: "INC-1", step: 2, contact: "felix.sms", attempt: 1),
                                 .retryableFailure(reason: "HTTP 502", retryAfter: nil)))
        let saved = try JSONEncoder().encode(h.machine)
        let restored = try JSONDecoder().decode(EscalationStateMachine.self, from: saved)
        #expect(restored == h.machine)
        var copy = h
        copy.machine = restored
        #expect(copy.advance(by: .hours(3)) == h.advance(by: .hours(3)))
    }

    /// Every sequence of acknowledgement time and delivery outcome keeps the basic promises:
    /// no page after an acknowledgement, unique keys, and timeline times that never go backwards.
    @Test(arguments: [0, 1, 5, 9, 10, 11, 24, 25, 44, 60])
    func invariantsHoldWhateverTheAcknowledgementTime(ackMinute: Int64) {
        for outcome in [DeliveryOutcome.delivered(providerID: nil), .retryableFailure(reason: "503", retryAfter: nil),
                        .permanentFailure(reason: "400")] {
            var h = harness(threeSteps(repeatCount: 1, ackTimeout: .minutes(20)), staffed)
            h.send(.triggered)
            var acked = false
            while h.now < t0 + .hours(3) {
                let next = h.now + .minutes(1)
                let produced = h.advance(to: next)
                for request in produced.notifications { h.send(.deliveryReported(request.key, outcome)) }
                if !acked, h.now >= t0 + .minutes(ackMinute) {
                    let pagesBefore = h.log.notifications.count
                    h.send(.acknowledged(by: "tester"))
                    acked = true
                    #expect(h.log.notifications.count == pagesBefore)
                    let quiet = h.advance(to: h.now + .minutes(19))
                    #expect(quiet.notifications.isEmpty, "no page while the acknowledgement holds")
                    h.send(.resolved(by: "tester"))
                }
            }
            let keys = h.log.notifications.map(\.key)
            #expect(Set(keys).count == keys.count)
            let times = h.log.timeline.map(\.at)
            #expect(times == times.sorted())
            #expect(h.machine.phase == .resolved)
        }
    }
}

@Suite struct EscalationTimelineMappingTests {
    @Test func entriesMapOntoTheIncidentTimeline() {
        let at = t("2026-11-21T02:10:00Z")
        let key = IdempotencyKey(incident: "INC-1", step: 2, contact: "tom.sms", attempt: 1)
        let page = EscalationTimelineEntry(at: at, kind: .delivered, text: "SMS to Tom delivered", stepIndex: 1, key: key).incidentEntry
        #expect(page.kind == .page)
        #expect(page.actor == "vigil")
        #expect(page.detail == "delivered: SMS to Tom delivered [INC-1/2/tom.sms/1]")
        let skip = EscalationTimelineEntry(at: at, kind: .stepSkipped, text: "step 2 (L2) skipped: resolves to nobody").incidentEntry
        #expect(skip.kind == .escalation)
        let ack = EscalationTimelineEntry(at: at, kind: .acknowledged, text: "acknowledged by tom", actor: "tom").incidentEntry
        #expect(ack.kind == .acknowledged && ack.actor == "tom" && ack.at == at)
    }
}
