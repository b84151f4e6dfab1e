import VigilEvents

/// What the driver must do after the machine handled an event, in order.
public enum EscalationAction: Sendable, Hashable {
    /// Send a page (through the outbox), with the request's idempotency key.
    case notify(NotificationRequest)
    /// Deliver `.timerFired(timer)` at `at` (or at once if `at` has passed).
    case scheduleTimer(EscalationTimer, at: Timestamp)
    /// Drop every pending timer of this incident; late ones would be ignored anyway.
    case cancelTimers
    /// Append to the incident timeline.
    case recordTimeline(EscalationTimelineEntry)
    /// The incident is resolved; the machine will do nothing more.
    case stop
}
