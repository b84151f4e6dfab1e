/// Routes an incident to an escalation policy when it matches; routes are tried in order.
public struct Route: Sendable, Hashable, Codable {
    public var match: IncidentMatch
    public var policy: String

    public init(match: IncidentMatch, policy: String) {
        self.match = match
        self.policy = policy
    }
}
