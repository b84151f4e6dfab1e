import VigilEvents

/// Ordered steps that page more and more people until someone acknowledges.
public struct EscalationPolicy: Sendable, Hashable, Codable {
    public var id: String
    public var name: String
    public var steps: [EscalationStep]
    /// How many more times the whole list runs after the first pass when nobody acknowledges.
    public var repeatCount: Int
    /// An acknowledged incident still unresolved after this long pages again from step 1.
    public var ackTimeout: TimeSpan?

    public init(id: String, name: String? = nil, steps: [EscalationStep], repeatCount: Int = 0, ackTimeout: TimeSpan? = nil) {
        self.id = id
        self.name = name ?? id
        self.steps = steps
        self.repeatCount = repeatCount
        self.ackTimeout = ackTimeout
    }
}

/// One step: whom to page, and how long to wait for an acknowledgement before the next step.
public struct EscalationStep: Sendable, Hashable, Codable {
    /// A label such as `L1 duty` or `1st manager`, used in messages and the timeline.
    public var name: String?
    public var targets: [EscalationTarget]
    public var delay: TimeSpan
    /// When set, the step runs only for incidents that match (e.g. the emergency meeting for P1 only).
    public var only: IncidentMatch?

    public init(name: String? = nil, targets: [EscalationTarget], delay: TimeSpan, only: IncidentMatch? = nil) {
        self.name = name
        self.targets = targets
        self.delay = delay
        self.only = only
    }

    /// "step 2 (L2)" for step index 1.
    public func label(index: Int) -> String {
        "step \(index + 1)" + (name.map { " (\($0))" } ?? "")
    }
}

/// Whom a step pages.
public enum EscalationTarget: Sendable, Hashable, Codable, CustomStringConvertible {
    case person(String)
    /// Everyone on call in the schedule.
    case schedule(String)
    /// Whoever's shift it is in the rotation, without schedule rules or overrides.
    case rotation(String)
    /// A shared channel (team room, bridge, ticket webhook): always reachable.
    case channel(String)
    /// The incident customer's service manager (a person or a schedule, from the customer entry).
    case serviceManager
    /// The line managers of whoever the inner target resolves to: hierarchical escalation.
    indirect case managerOf(EscalationTarget)

    public var description: String {
        switch self {
        case .person(let id): "person \(id)"
        case .schedule(let id): "schedule \(id)"
        case .rotation(let id): "rotation \(id)"
        case .channel(let id): "channel \(id)"
        case .serviceManager: "the customer's service manager"
        case .managerOf(let inner): "the manager of \(inner)"
        }
    }
}
