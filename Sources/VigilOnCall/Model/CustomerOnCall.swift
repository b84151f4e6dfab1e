import VigilEvents

/// A customer's on-call settings: its service manager, its playbook's policy and its channel switches.
public struct CustomerOnCall: Sendable, Hashable, Codable {
    public var id: CustomerID
    public var name: String
    public var timeZone: String
    /// A person or a schedule (use a schedule so overrides can stand in during leave).
    public var serviceManager: EscalationTarget?
    /// The policy the customer's playbook uses when no route matches first.
    public var policy: String?
    /// Per scenario × channel × time window: turn a channel on or off (last match wins).
    public var channelSwitches: [ChannelSwitch]

    public init(
        id: CustomerID, name: String? = nil, timeZone: String = "UTC", serviceManager: EscalationTarget? = nil,
        policy: String? = nil, channelSwitches: [ChannelSwitch] = []
    ) {
        self.id = id
        self.name = name ?? id.rawValue
        self.timeZone = timeZone
        self.serviceManager = serviceManager
        self.policy = policy
        self.channelSwitches = channelSwitches
    }
}

/// "For scenario X, voice calls on (or off) between 22:00 and 07:00": a customer's wish for one channel.
///
/// Only the named channel changes; written notifications are not touched unless a switch names them.
public struct ChannelSwitch: Sendable, Hashable, Codable {
    /// Scenario names (rule id, tag or playbook scenario); empty means every scenario.
    public var scenarios: Set<String>
    public var channel: ContactKind
    /// Read in the customer's zone.
    public var window: TimeWindow
    public var enabled: Bool
    /// Who asked, and when, for the audit.
    public var requestedBy: String?
    public var note: String?

    public init(scenarios: Set<String>, channel: ContactKind, window: TimeWindow = .always, enabled: Bool,
                requestedBy: String? = nil, note: String? = nil) {
        self.scenarios = scenarios
        self.channel = channel
        self.window = window
        self.enabled = enabled
        self.requestedBy = requestedBy
        self.note = note
    }

    public func applies(to incident: OnCallIncident) -> Bool {
        scenarios.isEmpty || !scenarios.isDisjoint(with: incident.scenarios)
    }
}
