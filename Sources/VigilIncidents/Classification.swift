import VigilDetection

/// Level, impact, urgency and the priority they give: how serious an incident is.
public struct Classification: Sendable, Hashable {
    public var level: Level
    public var impact: Grade
    public var urgency: Grade

    public init(level: Level, impact: Grade, urgency: Grade) {
        self.level = level
        self.impact = impact
        self.urgency = urgency
    }

    /// The playbook's hints when present, else the defaults for the level.
    public init(level: Level, impact: Grade? = nil, urgency: Grade? = nil) {
        let defaults = Classification.defaults(for: level)
        self.init(level: level, impact: impact ?? defaults.impact, urgency: urgency ?? defaults.urgency)
    }

    public init(hit: Hit) {
        self.init(level: hit.level, impact: hit.impact, urgency: hit.urgency)
    }

    public var priority: Priority { Priority(impact: impact, urgency: urgency) }

    /// Level → (impact, urgency) when the playbook gives none:
    /// critical P1, high P2, medium P3, low P4, informational P5.
    public static func defaults(for level: Level) -> (impact: Grade, urgency: Grade) {
        switch level {
        case .critical: (.high, .high)
        case .high: (.high, .medium)
        case .medium: (.medium, .medium)
        case .low: (.low, .medium)
        case .informational: (.low, .low)
        }
    }

    /// Combines with a later hit: each part only rises, never falls on its own.
    public func raised(by other: Classification) -> Classification {
        Classification(level: max(level, other.level), impact: max(impact, other.impact), urgency: max(urgency, other.urgency))
    }
}
