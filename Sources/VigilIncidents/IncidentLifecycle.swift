import VigilEvents

/// The manual lifecycle of one incident: new → acknowledged → resolved → closed.
///
/// A pure state machine: `handle(_:)` returns the actions a driver (the repository) carries out in one
/// transaction. Repeating the transition an incident is already in (a second ack) is a no-op with no actions.
/// Skipping ahead fills the stages passed over at the same instant: resolving a new incident also
/// acknowledges it, closing an open one also resolves it, so MTTA and MTTR stay defined.
/// Hits never reopen a resolved or closed incident; the next hit opens a new one with `reopened_from`
/// (see ``IncidentPlanner``).
public struct IncidentLifecycle: Sendable, Hashable {
    public private(set) var status: IncidentStatus

    public init(status: IncidentStatus) {
        self.status = status
    }

    public enum Command: Sendable, Hashable {
        case acknowledge(by: String, at: Timestamp, note: String?)
        case resolve(by: String, at: Timestamp, note: String?)
        case close(by: String, at: Timestamp, note: String?)
        case note(by: String, at: Timestamp, text: String)
    }

    public enum Action: Sendable, Hashable {
        /// Set the status column.
        case setStatus(IncidentStatus)
        /// Set the time column of a stage (`acknowledged_at`, `resolved_at`, `closed_at`).
        case stamp(IncidentStatus, Timestamp, by: String)
        case appendTimeline(TimelineEntry)
    }

    public mutating func handle(_ command: Command) throws(LifecycleError) -> [Action] {
        switch command {
        case .note(let by, let at, let text):
            guard !text.isEmpty else { throw LifecycleError(code: .emptyNote, status: status) }
            return [.appendTimeline(TimelineEntry(kind: .note, at: at, actor: by, detail: text))]
        case .acknowledge(let by, let at, let note):
            return try move(to: .acknowledged, by: by, at: at, note: note)
        case .resolve(let by, let at, let note):
            return try move(to: .resolved, by: by, at: at, note: note)
        case .close(let by, let at, let note):
            return try move(to: .closed, by: by, at: at, note: note)
        }
    }

    private static let order: [IncidentStatus] = [.new, .acknowledged, .resolved, .closed]

    private mutating func move(to target: IncidentStatus, by actor: String, at: Timestamp, note: String?) throws(LifecycleError) -> [Action] {
        guard !actor.isEmpty else { throw LifecycleError(code: .missingActor, status: status) }
        let from = IncidentLifecycle.order.firstIndex(of: status)!
        let to = IncidentLifecycle.order.firstIndex(of: target)!
        if from == to { return [] }
        guard from < to else { throw LifecycleError(code: .invalidTransition, status: status, requested: target) }
        var actions: [Action] = [.setStatus(target)]
        for stage in IncidentLifecycle.order[(from + 1)...to] {
            actions.append(.stamp(stage, at, by: actor))
            let implied = stage != target
            var detail = implied ? "\(stage.rawValue) by \(actor) (implied by \(target.rawValue))" : "\(stage.rawValue) by \(actor)"
            if !implied, let note, !note.isEmpty { detail += ": \(note)" }
            actions.append(.appendTimeline(TimelineEntry(
                kind: stage.timelineKind, at: at, actor: actor, detail: detail,
                from: IncidentLifecycle.order[IncidentLifecycle.order.firstIndex(of: stage)! - 1].rawValue, to: stage.rawValue
            )))
        }
        status = target
        return actions
    }
}

extension IncidentStatus {
    var timelineKind: TimelineEntry.Kind {
        switch self {
        case .new: .created
        case .acknowledged: .acknowledged
        case .resolved: .resolved
        case .closed: .closed
        }
    }
}

/// A command the lifecycle refuses.
public struct LifecycleError: Error, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable {
        /// The incident is already past the requested stage (ack after resolve, anything after close).
        case invalidTransition
        case missingActor
        case emptyNote
    }

    public var code: Code
    public var status: IncidentStatus
    public var requested: IncidentStatus?

    public init(code: Code, status: IncidentStatus, requested: IncidentStatus? = nil) {
        self.code = code
        self.status = status
        self.requested = requested
    }

    public var description: String {
        switch code {
        case .invalidTransition: "cannot move a \(status.rawValue) incident to \(requested?.rawValue ?? "?")"
        case .missingActor: "an actor (--by) is required"
        case .emptyNote: "a note must not be empty"
        }
    }
}
