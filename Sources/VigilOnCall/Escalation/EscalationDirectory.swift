import VigilEvents

/// What the escalation machine needs to know about people and channels. Pure lookups.
public protocol EscalationDirectory: Sendable {
    /// Who a step pages at `instant`.
    func recipients(for step: EscalationStep, incident: OnCallIncident, at instant: Timestamp) -> [Recipient]
    /// Which contacts to use for a recipient, and when (notification policy).
    func deliveries(for recipient: Recipient, incident: OnCallIncident, at instant: Timestamp) -> [PlannedDelivery]
    /// The next contact to try after `failed`, skipping those already tried.
    func fallback(for recipient: Recipient, after failed: ContactMethod, tried: Set<String>, incident: OnCallIncident,
                  at instant: Timestamp) -> ContactMethod?
    /// A name for messages and the timeline.
    func displayName(of recipient: Recipient) -> String
}

/// The directory backed by an `OnCallConfig`.
public struct OnCallDirectory: EscalationDirectory {
    public let resolver: OnCallResolver
    public let planner: NotificationPlanner

    public init(config: OnCallConfig) {
        resolver = OnCallResolver(config: config)
        planner = NotificationPlanner(resolver: resolver)
    }

    public var config: OnCallConfig { resolver.config }

    public func recipients(for step: EscalationStep, incident: OnCallIncident, at instant: Timestamp) -> [Recipient] {
        resolver.resolve(step: step, customer: incident.customer, at: instant)
    }

    public func deliveries(for recipient: Recipient, incident: OnCallIncident, at instant: Timestamp) -> [PlannedDelivery] {
        planner.plan(for: recipient, incident: incident, at: instant)
    }

    public func fallback(for recipient: Recipient, after failed: ContactMethod, tried: Set<String>, incident: OnCallIncident,
                         at instant: Timestamp) -> ContactMethod? {
        guard case .person(let id) = recipient else { return nil }
        return planner.fallback(for: id, after: failed, tried: tried, incident: incident, at: instant)
    }

    public func displayName(of recipient: Recipient) -> String {
        switch recipient {
        case .person(let id): config.person(id)?.name ?? id
        case .channel(let id): config.channel(id)?.name ?? id
        }
    }

    /// The policy for an incident: the playbook's choice, then the first matching route, then the
    /// customer's policy, then the default.
    public func policy(for incident: OnCallIncident) -> EscalationPolicy? {
        PolicyRouter(config: config).policy(for: incident)
    }
}
