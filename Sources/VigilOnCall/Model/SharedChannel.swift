/// A channel that is not a person: a team's Slack room, a Telegram group, a ticketing webhook,
/// the emergency-meeting bridge. An escalation step may target it directly.
public struct SharedChannel: Sendable, Hashable, Codable {
    public var id: String
    public var name: String
    public var contact: ContactMethod

    public init(id: String, name: String, contact: ContactMethod) {
        self.id = id
        self.name = name
        self.contact = contact
    }
}
