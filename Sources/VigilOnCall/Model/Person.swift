import VigilEvents

/// A responder: duty officer, analyst, service manager or manager.
public struct Person: Sendable, Hashable, Codable {
    public var id: String
    public var name: String
    /// Free-form roles (`l1`, `l2`, `service_manager`, `manager` …), for listings.
    public var roles: [String]
    /// The line manager, for hierarchical escalation (`manager_of` targets).
    public var manager: String?
    /// The person's zone identifier, for quiet and business hours.
    public var timeZone: String
    /// In fallback order: when one fails, the next of the list is tried.
    public var contacts: [ContactMethod]
    public var notification: NotificationPreferences

    public init(
        id: String, name: String, roles: [String] = [], manager: String? = nil, timeZone: String = "UTC",
        contacts: [ContactMethod], notification: NotificationPreferences = .standard
    ) {
        self.id = id
        self.name = name
        self.roles = roles
        self.manager = manager
        self.timeZone = timeZone
        self.contacts = contacts
        self.notification = notification
    }

    public func contacts(of kind: ContactKind) -> [ContactMethod] { contacts.filter { $0.kind == kind } }
}
