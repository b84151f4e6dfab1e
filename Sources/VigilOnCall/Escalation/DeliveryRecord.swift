import VigilEvents

/// One planned or sent delivery, as the escalation machine tracks it.
public struct DeliveryRecord: Sendable, Hashable, Codable {
    public enum Status: Sendable, Hashable, Codable {
        /// Waiting for its timer (a rule's delay, quiet hours, or a retry's backoff).
        case waiting(until: Timestamp)
        case sent
        case delivered
        /// Retries used up or a permanent failure; a fallback may have taken over.
        case failed
    }

    public var key: IdempotencyKey
    public var recipient: Recipient
    public var contact: ContactMethod
    public var stepIndex: Int
    public var status: Status
}
