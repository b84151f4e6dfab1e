/// Where an incident is in its ITIL lifecycle.
public enum IncidentStatus: String, Sendable, Hashable, CaseIterable, Codable {
    case new
    case acknowledged
    case resolved
    case closed

    /// New and acknowledged incidents are open: new hits join them.
    public var isOpen: Bool { self == .new || self == .acknowledged }
}
