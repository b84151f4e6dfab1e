import Foundation
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

    public var key: IdempotencyKey { message.key }
}
