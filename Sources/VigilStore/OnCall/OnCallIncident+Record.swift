import VigilEvents
import VigilIncidents
import VigilOnCall

extension OnCallIncident {
    /// The on-call view of a stored incident: what routing, notification policy and messages need.
    /// The count is the number of events behind it (hits when no events were counted).
    public init(record r: IncidentRecord, customerName: String?) {
        self.init(
            id: String(r.id), customer: r.customer, customerName: customerName, ruleID: r.ruleID, title: r.ruleTitle, summary: r.summary,
            scenarios: Set(r.tags), level: r.level, priority: r.priority, severityOverride: r.severityOverride,
            subjects: r.group.map { "\($0.field) \($0.value)" }, firstSeen: r.firstEventAt, lastSeen: r.lastEventAt,
            count: r.eventCount > 0 ? r.eventCount : r.hitCount, slaDeadline: r.dueAt, responseSteps: r.responseSteps)
    }
}
