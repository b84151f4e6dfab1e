import VigilEvents

/// One line of the incident timeline, in plain words, with a kind for reports and alerts.
public struct EscalationTimelineEntry: Sendable, Hashable, Codable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable, Codable {
        case triggered
        case stepStarted = "step_started"
        case stepSkipped = "step_skipped"
        case stepTimedOut = "step_timed_out"
        case deliveryPlanned = "delivery_planned"
        case deliveryAttempted = "delivery_attempted"
        case delivered
        case deliveryFailed = "delivery_failed"
        case retryScheduled = "retry_scheduled"
        case fallback
        case recipientUnreachable = "recipient_unreachable"
        case stepUnreachable = "step_unreachable"
        case repeated
        case exhausted
        /// No step of the policy reached anyone: the worst case, worth an alert of its own.
        case nobodyOnCall = "nobody_on_call"
        case acknowledged
        case ackTimedOut = "ack_timed_out"
        case escalatedByHand = "escalated_by_hand"
        case updated
        case resolved
    }

    public var at: Timestamp
    public var kind: Kind
    public var text: String
    public var stepIndex: Int?
    public var key: IdempotencyKey?
    /// Who acted (acknowledged, resolved, escalated), when a person did.
    public var actor: String?

    public init(at: Timestamp, kind: Kind, text: String, stepIndex: Int? = nil, key: IdempotencyKey? = nil, actor: String? = nil) {
        self.at = at
        self.kind = kind
        self.text = text
        self.stepIndex = stepIndex
        self.key = key
        self.actor = actor
    }

    public var description: String { "\(at.rfc3339) \(kind.rawValue): \(text)" }
}
