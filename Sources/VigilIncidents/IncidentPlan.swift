import Foundation
import VigilDetection
import VigilEvents

/// What to write for one dedup key: a new incident, or additions to the open one.
public enum IncidentPlan: Sendable {
    case create(NewIncident)
    case update(IncidentUpdate)

    public var timeline: [TimelineEntry] {
        switch self {
        case .create(let n): n.timeline
        case .update(let u): u.timeline
        }
    }

    public var evidence: [EvidenceItem] {
        switch self {
        case .create(let n): n.evidence
        case .update(let u): u.evidence
        }
    }

    public var hitIDs: [UUID] {
        switch self {
        case .create(let n): n.hitIDs
        case .update(let u): u.hitIDs
        }
    }
}

/// One evidence event and the hit that brought it.
public struct EvidenceItem: Sendable {
    public var hitID: UUID
    public var event: Event

    public init(hitID: UUID, event: Event) {
        self.hitID = hitID
        self.event = event
    }
}

/// A new incident row with its evidence and first timeline entries.
public struct NewIncident: Sendable {
    public var key: DedupKey
    public var ruleTitle: String
    public var classification: Classification
    public var slaTarget: TimeSpan?
    public var dueAt: Timestamp?
    public var firstTime: Timestamp
    public var lastTime: Timestamp
    public var detectedAt: Timestamp
    public var hitIDs: [UUID]
    public var eventCount: Int
    public var summary: String
    public var responseSteps: [String]
    public var tags: [String]
    public var severityOverride: SeverityOverride?
    public var reopenedFrom: Int64?
    public var evidence: [EvidenceItem]
    public var evidenceOverflow: Int
    public var timeline: [TimelineEntry]

    public var priority: Priority { classification.priority }
}

/// Additions to an open incident.
public struct IncidentUpdate: Sendable {
    public var id: Int64
    /// The classification after the hits; equal to the old one when nothing rose.
    public var classification: Classification
    public var reclassified: Bool
    public var slaTarget: TimeSpan?
    public var dueAt: Timestamp?
    public var firstTime: Timestamp
    public var lastTime: Timestamp
    public var hitIDs: [UUID]
    public var eventCount: Int
    /// The latest hit's override, when one carries it.
    public var severityOverride: SeverityOverride?
    public var evidence: [EvidenceItem]
    public var evidenceOverflow: Int
    public var timeline: [TimelineEntry]

    public var priority: Priority { classification.priority }
}
