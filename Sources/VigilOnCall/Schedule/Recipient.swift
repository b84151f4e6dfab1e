/// Someone or something a step pages: a person (through their notification rules) or a shared channel.
public enum Recipient: Sendable, Hashable, Codable, CustomStringConvertible {
    case person(String)
    case channel(String)

    public var description: String {
        switch self {
        case .person(let id): id
        case .channel(let id): "channel:\(id)"
        }
    }
}
