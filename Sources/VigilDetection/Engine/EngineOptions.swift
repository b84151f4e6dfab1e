import VigilEvents

/// Tuning of a `DetectionEngine`; the defaults suit a live SOC feed.
public struct EngineOptions: Sendable, Hashable {
    /// How far behind the newest event time of a customer an event may arrive and still count for correlations.
    /// Correlation hits are decided once the watermark (newest time − lateness) has passed their events.
    public var allowedLateness: TimeSpan
    /// Events kept as evidence per hit (the first and last ones when there are more).
    public var evidenceCap: Int
    /// Sequence numbers kept per hit; far above the evidence cap, so hits can point at every event.
    public var sequenceCap: Int
    /// Live group keys per rule and customer; the least recently used group is evicted beyond it.
    public var maxGroupsPerRule: Int
    /// Live group keys per customer, over all rules.
    public var maxGroupsPerCustomer: Int
    /// Events held in one group's window; the oldest is dropped beyond it.
    public var maxEntriesPerGroup: Int

    public init(allowedLateness: TimeSpan = .seconds(30), evidenceCap: Int = 20, sequenceCap: Int = 100_000,
                maxGroupsPerRule: Int = 100_000, maxGroupsPerCustomer: Int = 1_000_000, maxEntriesPerGroup: Int = 100_000)
    {
        self.allowedLateness = allowedLateness
        self.evidenceCap = max(1, evidenceCap)
        self.sequenceCap = max(1, sequenceCap)
        self.maxGroupsPerRule = max(1, maxGroupsPerRule)
        self.maxGroupsPerCustomer = max(1, maxGroupsPerCustomer)
        self.maxEntriesPerGroup = max(1, maxEntriesPerGroup)
    }
}

/// Counters and gauges of one engine (one shard).
public struct EngineStatistics: Sendable, Hashable {
    public var eventsProcessed: UInt64 = 0
    /// Events of customers that have no playbook: they match nothing.
    public var eventsWithoutPlaybook: UInt64 = 0
    /// Events skipped by a monitoring exclusion.
    public var eventsExcluded: UInt64 = 0
    /// Rule evaluations after the index picked candidates.
    public var candidateTests: UInt64 = 0
    public var detectionMatches: UInt64 = 0
    public var hits: UInt64 = 0
    /// Matches or bursts held back by suppression.
    public var hitsSuppressed: UInt64 = 0
    /// Correlation hits dropped by the rule's `vigil.when` time limits.
    public var hitsOutsideTimeWindow: UInt64 = 0
    /// Events that arrived after the watermark: detection hits still fire, correlation state ignores them.
    public var lateEventsDropped: UInt64 = 0
    /// Correlation inputs without a group-by field.
    public var groupFieldMissing: UInt64 = 0
    /// value_* inputs without a usable value.
    public var valueFieldMissing: UInt64 = 0
    /// Group keys evicted because a cap was reached.
    public var groupEvictions: UInt64 = 0
    /// Window entries dropped because a group held too many.
    public var windowEntriesDropped: UInt64 = 0
    public var correlationUpdates: UInt64 = 0
    /// Gauges, as of the last call.
    public var pendingOccurrences: Int = 0
    public var liveGroups: Int = 0
    public var liveGroupsByRule: [String: Int] = [:]
    public var customers: Int = 0

    public init() {}
}
