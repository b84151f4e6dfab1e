import VigilEvents

/// The escalation of one incident through one policy, as a pure state machine.
///
/// Feed it events with the current time and a directory; it returns the actions to perform.
/// It never reads a clock and never performs I/O, so it can be persisted (it is `Codable`),
/// replayed and tested with made-up times. A step that resolves to nobody is skipped at once and
/// the skip is recorded; an acknowledgement stops paging; an acknowledgement timeout starts again.
public struct EscalationStateMachine: Sendable, Hashable, Codable {
    public enum Phase: String, Sendable, Hashable, Codable {
        /// Created, not yet triggered.
        case idle
        /// Paging; a step deadline is pending.
        case escalating
        /// Every step and repeat ran without acknowledgement; pages already planned still go out.
        case exhausted
        /// Someone acknowledged; nothing more is sent unless the acknowledgement times out.
        case acknowledged
        case resolved
    }

    public private(set) var incident: OnCallIncident
    public let policy: EscalationPolicy
    public let retry: RetryPolicy
    public private(set) var phase: Phase = .idle
    /// Counts re-triggers after acknowledgement timeouts.
    public private(set) var generation = 0
    /// Counts passes through the policy (0 for the first, up to `policy.repeatCount`).
    public private(set) var round = 0
    /// 0-based index of the step paging now (or last paged).
    public private(set) var stepIndex = 0
    /// The serial number of the step paging now: the `step` of idempotency keys; 0 before any step paged.
    public private(set) var stepSerial = 0
    /// Deliveries of the current generation.
    public private(set) var deliveries: [DeliveryRecord] = []
    public private(set) var acknowledgedBy: String?
    public private(set) var acknowledgedAt: Timestamp?
    private var pagedInRound = false

    public init(incident: OnCallIncident, policy: EscalationPolicy, retry: RetryPolicy = .standard) {
        self.incident = incident
        self.policy = policy
        self.retry = retry
    }

    /// Handles one event at `now` and returns what to do.
    public mutating func handle(_ event: EscalationEvent, at now: Timestamp, directory: some EscalationDirectory) -> [EscalationAction] {
        var actions: [EscalationAction] = []
        switch event {
        case .triggered:
            guard phase == .idle else { return [] }
            actions.append(timeline(now, .triggered, "escalation starts with policy \(policy.name)"))
            pageStep(0, now: now, directory: directory, into: &actions)
        case .timerFired(let timer):
            timerFired(timer, now: now, directory: directory, into: &actions)
        case .acknowledged(let by):
            acknowledge(by: by, now: now, into: &actions)
        case .resolved(let by):
            guard phase != .resolved else { return [] }
            phase = .resolved
            actions.append(.cancelTimers)
            actions.append(timeline(now, .resolved, "resolved by \(by)", actor: by))
            actions.append(.stop)
        case .deliveryReported(let key, let outcome):
            deliveryReported(key, outcome, now: now, directory: directory, into: &actions)
        case .escalateNow(let by):
            guard phase == .escalating else { return [] }
            actions.append(timeline(now, .escalatedByHand, "\(by) escalated past \(currentLabel) by hand", actor: by))
            pageStep(stepIndex + 1, now: now, directory: directory, into: &actions)
        case .incidentUpdated(let updated):
            guard updated.id == incident.id, updated != incident else { return [] }
            var changes: [String] = []
            if updated.priority != incident.priority {
                changes.append("priority \(incident.priority?.description ?? "none") → \(updated.priority?.description ?? "none")")
            }
            if updated.urgency != incident.urgency { changes.append("paging urgency \(incident.urgency.rawValue) → \(updated.urgency.rawValue)") }
            // A new count alone is not worth a line (every hit is in the timeline already); it rides along with real changes.
            if !changes.isEmpty, updated.count != incident.count { changes.append("seen \(updated.count) times") }
            incident = updated
            if !changes.isEmpty { actions.append(timeline(now, .updated, "incident updated: " + changes.joined(separator: ", "))) }
        }
        return actions
    }

    // MARK: - Steps

    private var currentLabel: String {
        policy.steps.indices.contains(stepIndex) ? policy.steps[stepIndex].label(index: stepIndex) : "the last step"
    }

    /// Pages step `index`, skipping at once every step that applies to nobody.
    private mutating func pageStep(_ first: Int, now: Timestamp, directory: some EscalationDirectory, into actions: inout [EscalationAction]) {
        var index = first
        while index < policy.steps.count {
            let step = policy.steps[index]
            let label = step.label(index: index)
            if let only = step.only, !only.matches(incident) {
                actions.append(timeline(now, .stepSkipped, "\(label) skipped: not for this incident", step: index))
                index += 1
                continue
            }
            let recipients = directory.recipients(for: step, incident: incident, at: now)
            if recipients.isEmpty {
                actions.append(timeline(now, .stepSkipped, "\(label) skipped: resolves to nobody", step: index))
                index += 1
                continue
            }
            stepSerial += 1
            stepIndex = index
            var paged = 0
            let names = recipients.map { directory.displayName(of: $0) }
            actions.append(timeline(now, .stepStarted, "\(label): paging \(names.joined(separator: ", "))", step: index))
            for recipient in recipients {
                let plans = directory.deliveries(for: recipient, incident: incident, at: now)
                if plans.isEmpty {
                    actions.append(timeline(now, .recipientUnreachable, "\(directory.displayName(of: recipient)) has no usable contact method",
                                            step: index))
                    continue
                }
                for plan in plans {
                    let key = IdempotencyKey(incident: incident.id, step: stepSerial, contact: plan.contact.id, attempt: 1)
                    guard !deliveries.contains(where: { $0.key == key }) else { continue }
                    var record = DeliveryRecord(key: key, recipient: recipient, contact: plan.contact, stepIndex: index, status: .sent)
                    paged += 1
                    if plan.at <= now {
                        deliveries.append(record)
                        actions += notify(record, directory: directory, now: now, note: plan.reason)
                    } else {
                        record.status = .waiting(until: plan.at)
                        deliveries.append(record)
                        actions.append(.scheduleTimer(.delivery(key), at: plan.at))
                        actions.append(timeline(now, .deliveryPlanned,
                                                "\(plan.contact.kind) to \(directory.displayName(of: recipient)) planned for \(plan.at.rfc3339) (\(plan.reason))",
                                                step: index, key: key))
                    }
                }
            }
            if paged == 0 {
                actions.append(timeline(now, .stepSkipped, "\(label) skipped: nobody in it can be reached", step: index))
                index += 1
                continue
            }
            pagedInRound = true
            phase = .escalating
            actions.append(.scheduleTimer(.stepDeadline(step: stepSerial), at: now + step.delay))
            return
        }
        finishRound(now: now, directory: directory, into: &actions)
    }

    private mutating func finishRound(now: Timestamp, directory: some EscalationDirectory, into actions: inout [EscalationAction]) {
        if !pagedInRound {
            phase = .exhausted
            actions.append(timeline(now, .nobodyOnCall, "nobody could be paged: every step of \(policy.name) resolves to nobody"))
            return
        }
        if round < policy.repeatCount {
            round += 1
            pagedInRound = false
            actions.append(timeline(now, .repeated, "nobody acknowledged: repeating \(policy.name) (pass \(round + 1) of \(policy.repeatCount + 1))"))
            pageStep(0, now: now, directory: directory, into: &actions)
            return
        }
        phase = .exhausted
        actions.append(timeline(now, .exhausted, "nobody acknowledged after every step of \(policy.name)"
                                + (policy.repeatCount > 0 ? " and \(policy.repeatCount) repeat(s)" : "")))
    }

    // MARK: - Timers

    private mutating func timerFired(_ timer: EscalationTimer, now: Timestamp, directory: some EscalationDirectory,
                                     into actions: inout [EscalationAction]) {
        switch timer {
        case .stepDeadline(let serial):
            guard phase == .escalating, serial == stepSerial else { return }
            let step = policy.steps[stepIndex]
            actions.append(timeline(now, .stepTimedOut, "\(step.label(index: stepIndex)): no acknowledgement within \(step.delay)",
                                    step: stepIndex))
            pageStep(stepIndex + 1, now: now, directory: directory, into: &actions)
        case .delivery(let key):
            guard phase == .escalating || phase == .exhausted,
                  let index = deliveries.firstIndex(where: { $0.key == key }), case .waiting = deliveries[index].status else { return }
            deliveries[index].status = .sent
            actions += notify(deliveries[index], directory: directory, now: now, note: key.attempt > 1 ? "retry" : nil)
        case .ackTimeout(let g):
            guard phase == .acknowledged, g == generation else { return }
            let who = acknowledgedBy ?? "someone"
            let when = acknowledgedAt?.rfc3339 ?? "earlier"
            generation += 1
            round = 0
            pagedInRound = false
            deliveries = []
            acknowledgedBy = nil
            acknowledgedAt = nil
            actions.append(timeline(now, .ackTimedOut,
                                    "acknowledged by \(who) at \(when) but still unresolved after \(policy.ackTimeout ?? .zero): paging again from step 1"))
            pageStep(0, now: now, directory: directory, into: &actions)
        }
    }

    private mutating func acknowledge(by: String, now: Timestamp, into actions: inout [EscalationAction]) {
        guard phase != .resolved, phase != .acknowledged else { return }
        phase = .acknowledged
        acknowledgedBy = by
        acknowledgedAt = now
        for index in deliveries.indices {
            if case .waiting = deliveries[index].status { deliveries[index].status = .failed }
        }
        actions.append(.cancelTimers)
        actions.append(timeline(now, .acknowledged, "acknowledged by \(by)", actor: by))
        if let timeout = policy.ackTimeout {
            actions.append(.scheduleTimer(.ackTimeout(generation: generation), at: now + timeout))
        }
    }

    // MARK: - Delivery results

    private mutating func deliveryReported(_ key: IdempotencyKey, _ outcome: DeliveryOutcome, now: Timestamp,
                                           directory: some EscalationDirectory, into actions: inout [EscalationAction]) {
        guard let index = deliveries.firstIndex(where: { $0.key == key }) else { return }
        let record = deliveries[index]
        guard record.status == .sent else { return }
        let who = directory.displayName(of: record.recipient)
        let what = "\(record.contact.kind) to \(who)"
        let paging = phase == .escalating || phase == .exhausted
        switch outcome {
        case .delivered(let providerID):
            deliveries[index].status = .delivered
            actions.append(timeline(now, .delivered, "\(what) delivered" + (providerID.map { " (provider id \($0))" } ?? ""),
                                    step: record.stepIndex, key: key))
            return
        case .retryableFailure(let reason, let retryAfter):
            deliveries[index].status = .failed
            if paging, key.attempt < retry.maxAttempts {
                let wait = retry.backoff(afterAttempt: key.attempt, hint: retryAfter)
                let next = DeliveryRecord(key: key.next, recipient: record.recipient, contact: record.contact,
                                          stepIndex: record.stepIndex, status: .waiting(until: now + wait))
                deliveries.append(next)
                actions.append(timeline(now, .retryScheduled, "\(what) failed (\(reason)); attempt \(key.attempt + 1) in \(wait)",
                                        step: record.stepIndex, key: key))
                actions.append(.scheduleTimer(.delivery(next.key), at: now + wait))
                return
            }
            actions.append(timeline(now, .deliveryFailed, "\(what) failed (\(reason))"
                                    + (paging ? " after \(key.attempt) attempt(s)" : ""), step: record.stepIndex, key: key))
        case .permanentFailure(let reason):
            deliveries[index].status = .failed
            actions.append(timeline(now, .deliveryFailed, "\(what) failed for good (\(reason))", step: record.stepIndex, key: key))
        }
        guard paging else { return }
        fallBack(from: record, now: now, directory: directory, into: &actions)
    }

    private mutating func fallBack(from record: DeliveryRecord, now: Timestamp, directory: some EscalationDirectory,
                                   into actions: inout [EscalationAction]) {
        let who = directory.displayName(of: record.recipient)
        let sameRecipient = deliveries.filter { $0.key.step == record.key.step && $0.recipient == record.recipient }
        let tried = Set(sameRecipient.map(\.contact.id))
        if let next = directory.fallback(for: record.recipient, after: record.contact, tried: tried, incident: incident, at: now) {
            let key = IdempotencyKey(incident: incident.id, step: record.key.step, contact: next.id, attempt: 1)
            let fallback = DeliveryRecord(key: key, recipient: record.recipient, contact: next, stepIndex: record.stepIndex, status: .sent)
            deliveries.append(fallback)
            actions.append(timeline(now, .fallback, "falling back from \(record.contact.kind) to \(next.kind) for \(who)",
                                    step: record.stepIndex, key: key))
            actions += notify(fallback, directory: directory, now: now, note: nil)
            return
        }
        let stillTrying = sameRecipient.contains { $0.status != .failed }
        if !stillTrying {
            actions.append(timeline(now, .recipientUnreachable, "\(who) could not be reached by any contact method",
                                    step: record.stepIndex))
        }
        // When nobody of the current step can be reached any more, escalate now instead of waiting out the delay.
        let current = deliveries.filter { $0.key.step == stepSerial }
        if phase == .escalating, record.key.step == stepSerial, !current.isEmpty, current.allSatisfy({ $0.status == .failed }) {
            let label = policy.steps[stepIndex].label(index: stepIndex)
            actions.append(timeline(now, .stepUnreachable, "\(label): nobody could be reached, escalating at once", step: stepIndex))
            pageStep(stepIndex + 1, now: now, directory: directory, into: &actions)
        }
    }

    // MARK: - Helpers

    /// The attempt's timeline line, then the page itself.
    private func notify(_ record: DeliveryRecord, directory: some EscalationDirectory, now: Timestamp, note: String?) -> [EscalationAction] {
        let label = policy.steps[record.stepIndex].label(index: record.stepIndex)
        let text = "\(label): \(record.contact.kind) to \(directory.displayName(of: record.recipient)), attempt \(record.key.attempt)"
            + (note.map { " (\($0))" } ?? "")
        return [
            timeline(now, .deliveryAttempted, text, step: record.stepIndex, key: record.key),
            .notify(NotificationRequest(key: record.key, recipient: record.recipient, contact: record.contact, urgency: incident.urgency,
                                        stepIndex: record.stepIndex, stepLabel: label)),
        ]
    }

    private func timeline(_ at: Timestamp, _ kind: EscalationTimelineEntry.Kind, _ text: String, step: Int? = nil, key: IdempotencyKey? = nil,
                          actor: String? = nil) -> EscalationAction {
        .recordTimeline(EscalationTimelineEntry(at: at, kind: kind, text: text, stepIndex: step, key: key, actor: actor))
    }
}
