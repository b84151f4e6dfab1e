import VigilEvents

/// Events parsed from one read burst of one connection; the unit that flows to the shards.
public struct EventBatch: Sendable {
    public var events: [Event]

    public init(events: [Event]) { self.events = events }
}
