/// Who is on duty for a team: rules that bring in rotations or people at certain times, plus overrides.
///
/// Everyone brought in by an active rule is on call; then the overrides active at that instant
/// are applied. Rule windows are read in the schedule's zone.
public struct Schedule: Sendable, Hashable, Codable {
    public var id: String
    public var name: String
    public var timeZone: String
    public var rules: [ScheduleRule]
    public var overrides: [ScheduleOverride]

    public init(id: String, name: String? = nil, timeZone: String, rules: [ScheduleRule], overrides: [ScheduleOverride] = []) {
        self.id = id
        self.name = name ?? id
        self.timeZone = timeZone
        self.rules = rules
        self.overrides = overrides
    }
}

/// One coverage rule: a rotation or a person, within a weekday and time-of-day window.
public struct ScheduleRule: Sendable, Hashable, Codable {
    public enum Source: Sendable, Hashable, Codable {
        case rotation(String)
        case person(String)
    }

    public var source: Source
    public var window: TimeWindow

    public init(source: Source, window: TimeWindow = .always) {
        self.source = source
        self.window = window
    }
}
