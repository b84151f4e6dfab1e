/// Names one delivery attempt: (incident, step, contact, attempt). Passed to providers that accept
/// one, and unique in the outbox, so a page is sent at most once however often it is retried.
public struct IdempotencyKey: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    public var incident: String
    /// The step's serial number within the incident: 1 for the first step paged, counting repeats and re-triggers.
    public var step: Int
    /// The contact method's id, e.g. `petra.sms` or `channel:soc-bridge`.
    public var contact: String
    /// 1 for the first attempt on this contact.
    public var attempt: Int

    public init(incident: String, step: Int, contact: String, attempt: Int) {
        self.incident = incident
        self.step = step
        self.contact = contact
        self.attempt = attempt
    }

    /// `incident/step/contact/attempt`.
    public var description: String { "\(incident)/\(step)/\(contact)/\(attempt)" }

    /// Parses `description` back; nil when malformed.
    public init?(parsing text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count >= 4, let attempt = Int(parts[parts.count - 1]), let step = Int(parts[parts.count - 3]) else { return nil }
        self.init(incident: parts[..<(parts.count - 3)].joined(separator: "/"), step: step,
                  contact: String(parts[parts.count - 2]), attempt: attempt)
    }

    public static func < (lhs: IdempotencyKey, rhs: IdempotencyKey) -> Bool { lhs.description < rhs.description }

    /// The same contact's next attempt.
    public var next: IdempotencyKey { IdempotencyKey(incident: incident, step: step, contact: contact, attempt: attempt + 1) }
}
