/// The whole on-call configuration, as loaded from YAML and validated.
public struct OnCallConfig: Sendable, Hashable, Codable {
    public var people: [Person]
    public var channels: [SharedChannel]
    public var rotations: [Rotation]
    public var schedules: [Schedule]
    public var policies: [EscalationPolicy]
    public var customers: [CustomerOnCall]
    public var routes: [Route]
    /// The policy for incidents that no playbook, route or customer entry places.
    public var defaultPolicy: String?
    public var providers: ProviderSettings

    public init(
        people: [Person] = [], channels: [SharedChannel] = [], rotations: [Rotation] = [], schedules: [Schedule] = [],
        policies: [EscalationPolicy] = [], customers: [CustomerOnCall] = [], routes: [Route] = [], defaultPolicy: String? = nil,
        providers: ProviderSettings = ProviderSettings()
    ) {
        self.people = people
        self.channels = channels
        self.rotations = rotations
        self.schedules = schedules
        self.policies = policies
        self.customers = customers
        self.routes = routes
        self.defaultPolicy = defaultPolicy
        self.providers = providers
    }

    public func person(_ id: String) -> Person? { people.first { $0.id == id } }
    public func channel(_ id: String) -> SharedChannel? { channels.first { $0.id == id } }
    public func rotation(_ id: String) -> Rotation? { rotations.first { $0.id == id } }
    public func schedule(_ id: String) -> Schedule? { schedules.first { $0.id == id } }
    public func policy(_ id: String) -> EscalationPolicy? { policies.first { $0.id == id } }
    public func customer(_ id: String) -> CustomerOnCall? { customers.first { $0.id.rawValue == id } }
}
