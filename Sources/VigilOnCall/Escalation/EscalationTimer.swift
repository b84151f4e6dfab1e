/// A wake-up the escalation machine asks for. Timers are never cancelled one by one: a timer that
/// fires after its moment has passed (the step moved on, the incident was acknowledged) is ignored.
public enum EscalationTimer: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The step with this serial waited its delay without acknowledgement.
    case stepDeadline(step: Int)
    /// Send this delivery now: a rule's delay, quiet hours or a retry's backoff has passed.
    case delivery(IdempotencyKey)
    /// The acknowledgement of this generation has timed out without resolution.
    case ackTimeout(generation: Int)

    public var description: String {
        switch self {
        case .stepDeadline(let step): "step-deadline/\(step)"
        case .delivery(let key): "delivery/\(key)"
        case .ackTimeout(let generation): "ack-timeout/\(generation)"
        }
    }
}
