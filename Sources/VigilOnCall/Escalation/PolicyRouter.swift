/// Chooses the escalation policy for an incident.
public struct PolicyRouter: Sendable {
    public let config: OnCallConfig

    public init(config: OnCallConfig) { self.config = config }

    /// Why a policy was chosen, for the timeline.
    public enum Reason: Sendable, Hashable {
        case playbook
        case route(index: Int)
        case customer
        case defaultPolicy
    }

    /// The playbook's named policy, else the first matching route, else the customer's policy, else the default.
    public func route(_ incident: OnCallIncident) -> (policy: EscalationPolicy, reason: Reason)? {
        if let id = incident.playbookPolicy, let policy = config.policy(id) { return (policy, .playbook) }
        for (index, route) in config.routes.enumerated() where route.match.matches(incident) {
            if let policy = config.policy(route.policy) { return (policy, .route(index: index)) }
        }
        if let id = config.customer(incident.customer.rawValue)?.policy, let policy = config.policy(id) { return (policy, .customer) }
        if let id = config.defaultPolicy, let policy = config.policy(id) { return (policy, .defaultPolicy) }
        return nil
    }

    public func policy(for incident: OnCallIncident) -> EscalationPolicy? { route(incident)?.policy }
}
