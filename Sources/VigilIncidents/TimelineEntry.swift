import Foundation
import VigilEvents

/// One line of an incident's append-only timeline: what happened, when, and who did it.
public struct TimelineEntry: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, CaseIterable, Codable {
        /// The incident was registered (first hit).
        case created
        /// A hit joined the incident.
        case hit
        /// The level rose through a later hit.
        case levelRaised = "level_raised"
        /// The priority changed; `from`/`to` hold the labels.
        case priorityChanged = "priority_changed"
        case acknowledged
        case resolved
        case closed
        case note
        /// A page went out (written by the on-call engine).
        case page
        /// Escalation to the next step (written by the on-call engine).
        case escalation
    }

    public var kind: Kind
    public var at: Timestamp
    /// `vigil` for the daemon, else the person or system that acted.
    public var actor: String
    public var detail: String
    public var hitID: UUID?
    public var from: String?
    public var to: String?

    public init(kind: Kind, at: Timestamp, actor: String, detail: String, hitID: UUID? = nil, from: String? = nil, to: String? = nil) {
        self.kind = kind
        self.at = at
        self.actor = actor
        self.detail = detail
        self.hitID = hitID
        self.from = from
        self.to = to
    }

    /// The daemon's own actor name in timelines.
    public static let systemActor = "vigil"
}
