// TEMPORARY: replaced by the parsers branch (EventParser, ParseContext, ParseError). Delete on merge.
import VigilEvents

public struct ParseContext: Sendable {
    public var customer: CustomerID
    public var listener: String
    public var peer: String
    public var peerPort: Int
    public var receivedTime: Timestamp
    public var timeZone: ZoneRules
    public var sequence: UInt64

    public init(customer: CustomerID, listener: String, peer: String, peerPort: Int, receivedTime: Timestamp,
                timeZone: ZoneRules = .utc, sequence: UInt64 = 0) {
        self.customer = customer
        self.listener = listener
        self.peer = peer
        self.peerPort = peerPort
        self.receivedTime = receivedTime
        self.timeZone = timeZone
        self.sequence = sequence
    }
}

public struct ParseError: Error, Hashable, Sendable {
    public struct Reason: Hashable, Sendable {
        public let code: String
        public static let empty = Reason(code: "empty")
    }
    public var reason: Reason
    public var detail: String
    public var offset: Int?
}

public struct ParserLimits: Sendable, Hashable { public init() {} }
public struct ExtractorSet: Sendable { public static let empty = ExtractorSet() }

public struct EventParser: Sendable {
    public init(protocol: WireProtocol, limits: ParserLimits = .init(), extractors: ExtractorSet = .empty) {}

    public func parse(_ frame: UnsafeRawBufferPointer, context: ParseContext) -> Result<Event, ParseError> {
        guard !frame.isEmpty else { return .failure(ParseError(reason: .empty, detail: "empty frame", offset: 0)) }
        return .success(Event(sequence: context.sequence, customer: context.customer, eventTime: context.receivedTime,
                              receivedTime: context.receivedTime,
                              source: EventSource(listener: context.listener, peer: context.peer, peerPort: context.peerPort),
                              format: .rfc3164, message: String(decoding: frame, as: UTF8.self), raw: Array(frame)))
    }
}
