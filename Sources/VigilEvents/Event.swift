/// One security event, parsed and bound to exactly one customer.
public struct Event: Sendable {
    /// Position in the stream: a per-process sequence number in the daemon, the 0-based line in `vigil eval`.
    public var sequence: UInt64
    /// The customer the connection is bound to; never taken from the event's own content.
    public var customer: CustomerID
    /// When it happened, per the event; the received time when the event carries none.
    public var eventTime: Timestamp
    /// When Vigil read it.
    public var receivedTime: Timestamp
    public var source: EventSource
    public var format: EventFormat
    /// The free-text message; keyword rules search it.
    public var message: String
    /// Header, extracted and JSON fields by dotted path.
    public var fields: Fields
    /// The frame exactly as received, kept for evidence.
    public var raw: [UInt8]

    public init(
        sequence: UInt64 = 0,
        customer: CustomerID,
        eventTime: Timestamp,
        receivedTime: Timestamp,
        source: EventSource = .init(),
        format: EventFormat,
        message: String = "",
        fields: Fields = Fields(),
        raw: [UInt8] = []
    ) {
        self.sequence = sequence
        self.customer = customer
        self.eventTime = eventTime
        self.receivedTime = receivedTime
        self.source = source
        self.format = format
        self.message = message
        self.fields = fields
        self.raw = raw
    }

    /// Typed access by dotted path. `message` names the message; anything else is a field.
    @inlinable
    public func value(at path: String) -> FieldValue? {
        if path == "message" { return .string(message) }
        return fields[path]
    }

    public func string(_ path: String) -> String? { value(at: path)?.stringValue }
    public func int(_ path: String) -> Int64? { value(at: path)?.intValue }
    public func double(_ path: String) -> Double? { value(at: path)?.doubleValue }
    public func bool(_ path: String) -> Bool? { value(at: path)?.boolValue }
}

/// Where an event came from.
public struct EventSource: Sendable, Hashable {
    /// The listener's configured name.
    public var listener: String
    /// The sender's IP address, or a file name in `vigil eval`.
    public var peer: String
    public var peerPort: Int

    public init(listener: String = "", peer: String = "", peerPort: Int = 0) {
        self.listener = listener
        self.peer = peer
        self.peerPort = peerPort
    }
}

/// The wire format an event arrived in.
public enum EventFormat: String, Sendable, Hashable, Codable, CaseIterable {
    case rfc5424
    case rfc3164
    case json
    case cef
}
