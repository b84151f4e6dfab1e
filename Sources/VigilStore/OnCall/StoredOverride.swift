import VigilEvents
import VigilOnCall

/// An override as stored: its number, schedule and origin.
public struct StoredOverride: Sendable, Hashable {
    public enum Source: String, Sendable, Hashable {
        /// From the applied file; replaced by the next apply.
        case file
        /// Added with `vigil oncall override add`; kept across applies.
        case cli
    }

    public var id: Int64
    public var schedule: String
    public var override: ScheduleOverride
    public var source: Source
    public var createdBy: String
    public var createdAt: Timestamp

    public init(id: Int64, schedule: String, override: ScheduleOverride, source: Source, createdBy: String, createdAt: Timestamp) {
        self.id = id
        self.schedule = schedule
        self.override = override
        self.source = source
        self.createdBy = createdBy
        self.createdAt = createdAt
    }
}
