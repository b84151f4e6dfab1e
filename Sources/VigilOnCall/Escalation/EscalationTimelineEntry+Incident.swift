import VigilIncidents

extension EscalationTimelineEntry {
    /// The line for the incident's own timeline: pages and delivery outcomes as `page`, step changes as
    /// `escalation`, acknowledgement and resolution as themselves. The detail starts with this entry's kind.
    public var incidentEntry: TimelineEntry {
        let incidentKind: TimelineEntry.Kind
        switch kind {
        case .deliveryPlanned, .deliveryAttempted, .delivered, .deliveryFailed, .retryScheduled, .fallback, .recipientUnreachable:
            incidentKind = .page
        case .acknowledged:
            incidentKind = .acknowledged
        case .resolved:
            incidentKind = .resolved
        case .triggered, .stepStarted, .stepSkipped, .stepTimedOut, .stepUnreachable, .repeated, .exhausted, .nobodyOnCall,
             .ackTimedOut, .escalatedByHand, .updated:
            incidentKind = .escalation
        }
        var detail = "\(kind.rawValue): \(text)"
        if let key { detail += " [\(key)]" }
        return TimelineEntry(kind: incidentKind, at: at, actor: actor ?? TimelineEntry.systemActor, detail: detail)
    }
}
