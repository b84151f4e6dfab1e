/// What happens to an incident, as seen by the escalation machine.
public enum EscalationEvent: Sendable, Hashable {
    /// The incident was raised (or reopened as a new incident): start at step 1.
    case triggered
    /// A timer the machine asked for is due.
    case timerFired(EscalationTimer)
    /// Someone acknowledged: stop paging (until the acknowledgement times out).
    case acknowledged(by: String)
    /// Someone resolved: stop for good.
    case resolved(by: String)
    /// A channel reported how a delivery went.
    case deliveryReported(IdempotencyKey, DeliveryOutcome)
    /// Someone asked to page the next step now.
    case escalateNow(by: String)
    /// The incident changed (priority, count, SLA); later steps use the new facts.
    case incidentUpdated(OnCallIncident)
}
