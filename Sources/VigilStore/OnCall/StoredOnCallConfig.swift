import VigilEvents
import VigilOnCall

/// The on-call configuration as PostgreSQL holds it: the source of truth once applied.
public struct StoredOnCallConfig: Sendable {
    /// Everything, command-line overrides included: what paging and `vigil oncall who` use.
    public var config: OnCallConfig
    /// Increases with every apply and override change.
    public var revision: Int64
    public var sourceFile: String
    public var sourceSHA256: String
    public var appliedAt: Timestamp
    public var appliedBy: String
    /// Every override, with its number and origin, in application order per schedule.
    public var overrides: [StoredOverride]

    /// The configuration as the applied file describes it (file overrides only): what the next apply compares with.
    public var fileConfig: OnCallConfig {
        var copy = config
        for index in copy.schedules.indices {
            let id = copy.schedules[index].id
            copy.schedules[index].overrides = overrides.filter { $0.schedule == id && $0.source == .file }.map(\.override)
        }
        return copy
    }

    /// Overrides added on the command line.
    public var commandLineOverrides: [StoredOverride] { overrides.filter { $0.source == .cli } }
}
