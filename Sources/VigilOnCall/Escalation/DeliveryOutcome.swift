import VigilEvents

/// What a channel reports after trying to send: drives retries and fallbacks in the escalation machine.
public enum DeliveryOutcome: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The provider accepted the message (with its message id when it gives one).
    case delivered(providerID: String?)
    /// Worth trying again: timeouts, connection errors, 429, 5xx, SMTP 4xx.
    case retryableFailure(reason: String, retryAfter: TimeSpan?)
    /// Trying again will not help: bad number, unknown chat, 4xx, SMTP 5xx. Fall back to another contact.
    case permanentFailure(reason: String)

    public var isDelivered: Bool { if case .delivered = self { true } else { false } }

    public var description: String {
        switch self {
        case .delivered(let id): "delivered" + (id.map { " (\($0))" } ?? "")
        case .retryableFailure(let reason, _): "failed, will retry: \(reason)"
        case .permanentFailure(let reason): "failed: \(reason)"
        }
    }
}
