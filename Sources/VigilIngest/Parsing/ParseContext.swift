import VigilEvents

/// What the listener knows about a frame before it is parsed; none of it comes from the frame.
public struct ParseContext: Sendable {
    public var customer: CustomerID
    public var listener: String
    public var peer: String
    public var peerPort: Int
    /// When the frame was read; the event time when the message carries none.
    public var receivedTime: Timestamp
    /// The zone RFC 3164 timestamps (which carry no offset) are read in.
    public var timeZone: ZoneRules
    public var sequence: UInt64

    public init(
        customer: CustomerID,
        listener: String = "",
        peer: String = "",
        peerPort: Int = 0,
        receivedTime: Timestamp,
        timeZone: ZoneRules = .utc,
        sequence: UInt64 = 0
    ) {
        self.customer = customer
        self.listener = listener
        self.peer = peer
        self.peerPort = peerPort
        self.receivedTime = receivedTime
        self.timeZone = timeZone
        self.sequence = sequence
    }
}
