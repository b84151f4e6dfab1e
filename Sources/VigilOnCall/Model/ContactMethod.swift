/// The kind of a contact method, which is also the name of the channel that delivers to it.
public enum ContactKind: String, Sendable, Hashable, CaseIterable, Codable, CustomStringConvertible {
    case voice
    case sms
    case email
    case telegram
    case slack
    case webhook

    /// Voice and SMS reach a phone; the others are written messages.
    public var isPhone: Bool { self == .voice || self == .sms }

    /// Human words for messages and the timeline.
    public var description: String {
        switch self {
        case .voice: "voice call"
        case .sms: "SMS"
        case .email: "email"
        case .telegram: "Telegram"
        case .slack: "Slack"
        case .webhook: "webhook"
        }
    }
}

/// One way to reach a person: a kind and an address in that kind's format (already validated).
public struct ContactMethod: Sendable, Hashable, Codable {
    /// Unique within the configuration, e.g. `petra.sms`; part of every idempotency key.
    public var id: String
    public var kind: ContactKind
    /// E.164 number, email address, Telegram chat id, Slack webhook URL or webhook URL.
    public var address: String

    public init(id: String, kind: ContactKind, address: String) {
        self.id = id
        self.kind = kind
        self.address = address
    }
}
