import VigilEvents

/// What an acknowledgement link allows: one action on one incident, for one recipient, until a time.
public struct AckClaims: Sendable, Hashable, Codable {
    /// What the token allows; each level includes the ones before it.
    public enum Action: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
        /// Show the incident page only.
        case view
        /// Show it, and acknowledge.
        case acknowledge = "ack"
        /// Show it, acknowledge, and resolve: what pages carry, for the page's two buttons.
        case resolve

        public static func < (lhs: Action, rhs: Action) -> Bool {
            allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
        }
    }

    public var incident: String
    public var action: Action
    /// The person (or channel) the link was sent to; recorded as the actor.
    public var recipient: String
    public var expires: Timestamp

    public init(incident: String, action: Action, recipient: String, expires: Timestamp) {
        self.incident = incident
        self.action = action
        self.recipient = recipient
        self.expires = expires
    }

    /// Whether the token permits `wanted` (a resolve token also acknowledges and shows).
    public func allows(_ wanted: Action) -> Bool { wanted <= action }
}
