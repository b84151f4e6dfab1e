import Foundation
import VigilEvents
import VigilOnCall

/// An outbox row this instance claimed: marked `sending` with a fencing token before the provider is called.
public struct ClaimedPage: Sendable {
    public var id: Int64
    public var incidentID: Int64
    public var message: OutboundMessage
    /// Only the claim holding this token may record the outcome.
    public var token: UUID
    /// How many times the page has been handed to a provider, this one included.
    public var sends: Int
    /// Set only for an incident's first page (step serial 1, attempt 1, first send), for the page latency metric:
    /// when the incident row was committed, and when its escalation started (later when an update made it pageable).
    public var firstPage: FirstPage?

    public struct FirstPage: Sendable, Hashable {
        public var incidentCreatedAt: Timestamp
        public var pagingStartedAt: Timestamp

        /// When the page was owed: the incident's commit, or, when paging started more than `grace` after it (an update
        /// raised the incident's priority later), the start of paging.
        public func owedSince(grace: TimeSpan) -> Timestamp {
            pagingStartedAt - incidentCreatedAt > grace ? pagingStartedAt : incidentCreatedAt
        }
    }

    public var key: IdempotencyKey { message.key }
}
