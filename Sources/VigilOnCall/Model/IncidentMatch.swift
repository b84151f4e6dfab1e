import VigilDetection
import VigilEvents
import VigilIncidents

/// Conditions on an incident; every set condition must hold, and an empty list matches anything.
public struct IncidentMatch: Sendable, Hashable, Codable {
    public var customers: Set<CustomerID>
    public var priorities: Set<Priority>
    public var levels: Set<Level>
    public var urgencies: Set<PagingUrgency>
    /// Matches when the incident has any of these scenarios (rule id, tag or playbook scenario).
    public var scenarios: Set<String>

    public init(
        customers: Set<CustomerID> = [], priorities: Set<Priority> = [], levels: Set<Level> = [],
        urgencies: Set<PagingUrgency> = [], scenarios: Set<String> = []
    ) {
        self.customers = customers
        self.priorities = priorities
        self.levels = levels
        self.urgencies = urgencies
        self.scenarios = scenarios
    }

    public func matches(_ incident: OnCallIncident) -> Bool {
        if !customers.isEmpty, !customers.contains(incident.customer) { return false }
        if !priorities.isEmpty { guard let p = incident.priority, priorities.contains(p) else { return false } }
        if !levels.isEmpty, !levels.contains(incident.level) { return false }
        if !urgencies.isEmpty, !urgencies.contains(incident.urgency) { return false }
        if !scenarios.isEmpty, scenarios.isDisjoint(with: incident.scenarios) { return false }
        return true
    }
}
