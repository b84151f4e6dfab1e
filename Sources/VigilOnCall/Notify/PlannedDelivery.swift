import VigilEvents

/// One message the notification policy wants sent: to which contact, when, and why.
public struct PlannedDelivery: Sendable, Hashable, Codable {
    public var contact: ContactMethod
    /// Now, after a rule's delay, or when business or quiet hours allow.
    public var at: Timestamp
    /// Plain words for the timeline: "critical: voice call at once".
    public var reason: String

    public init(contact: ContactMethod, at: Timestamp, reason: String) {
        self.contact = contact
        self.at = at
        self.reason = reason
    }
}
