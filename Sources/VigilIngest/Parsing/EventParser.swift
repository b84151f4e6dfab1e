import VigilEvents

/// Turns one frame into an `Event`, or says why it cannot. Pure: no I/O, no clock, no shared state.
///
/// The customer, listener, peer and received time come from the `ParseContext`, never from the frame.
/// After parsing, extractors whose program matches `process.name` add fields from the message.
public struct EventParser: Sendable {
    public let wireProtocol: WireProtocol
    public let limits: ParserLimits
    public let extractors: ExtractorSet

    public init(protocol wireProtocol: WireProtocol, limits: ParserLimits = .init(), extractors: ExtractorSet = .empty) {
        self.wireProtocol = wireProtocol
        self.limits = limits
        self.extractors = extractors
    }

    /// Parses a frame as received (without its octet count or line terminator).
    public func parse(_ frame: UnsafeRawBufferPointer, context: ParseContext) -> Result<Event, ParseError> {
        do {
            return .success(try parseOrThrow(frame.assumingMemoryBound(to: UInt8.self), context: context))
        } catch {
            return .failure(error)
        }
    }

    /// Convenience for byte arrays, `ByteBuffer` views and the like.
    public func parse(_ frame: some Collection<UInt8>, context: ParseContext) -> Result<Event, ParseError> {
        if let result = frame.withContiguousStorageIfAvailable({ parse(UnsafeRawBufferPointer($0), context: context) }) {
            return result
        }
        let copy = Array(frame)
        return copy.withUnsafeBytes { parse($0, context: context) }
    }

    /// The throwing form of `parse`, for callers that prefer `try`.
    public func parseOrThrow(_ b: UnsafeBufferPointer<UInt8>, context: ParseContext) throws(ParseError) -> Event {
        guard b.count > 0 else { throw ParseError(.empty, "empty frame", offset: 0) }
        guard b.count <= limits.maxFrameBytes else {
            throw ParseError(.tooLarge, "frame of \(b.count) bytes is above the \(limits.maxFrameBytes)-byte limit", offset: nil)
        }
        switch wireProtocol {
        case .json:
            var i = 0
            while i < b.count, b[i] == 0x20 || b[i] == 0x09 || b[i] == 0x0A || b[i] == 0x0D { i &+= 1 }
            if i < b.count, b[i] != UInt8(ascii: "{"), ByteText.looksBinary(b) {
                throw ParseError(.binaryGarbage, "frame looks binary", offset: 0)
            }
            return try parseJSON(b, context: context)
        case .syslog:
            guard b[0] == UInt8(ascii: "<") else { throw unrecognized(b, expected: .badPRI) }
            return try parseSyslog(b, context: context, cef: .never)
        case .cef:
            if ByteText.hasPrefix(b, at: 0, "CEF:") { return try parseBareCEF(b, context: context) }
            guard b[0] == UInt8(ascii: "<") else { throw unrecognized(b, expected: .cefHeader) }
            return try parseSyslog(b, context: context, cef: .required)
        case .auto:
            var i = 0
            while i < b.count, b[i] == 0x20 || b[i] == 0x09 { i &+= 1 }
            guard i < b.count else { throw ParseError(.empty, "frame holds only whitespace", offset: 0) }
            switch b[i] {
            case UInt8(ascii: "{"): return try parseJSON(b, context: context)
            case UInt8(ascii: "<"): return try parseSyslog(b, context: context, cef: .ifPresent)
            case UInt8(ascii: "C") where ByteText.hasPrefix(b, at: 0, "CEF:"): return try parseBareCEF(b, context: context)
            default: throw unrecognized(b, expected: .unknownFormat)
            }
        }
    }

    private enum CEFHandling { case never, ifPresent, required }

    /// Binary data is `binary_garbage`, invalid UTF-8 `invalid_utf8`, text in the wrong shape `expected`.
    private func unrecognized(_ b: UnsafeBufferPointer<UInt8>, expected: ParseError.Reason) -> ParseError {
        if ByteText.looksBinary(b) { return ParseError(.binaryGarbage, "frame looks binary", offset: 0) }
        if let bad = UTF8Validator.firstInvalid(b) { return ParseError(.invalidUTF8, "invalid UTF-8", offset: bad) }
        switch expected {
        case .badPRI: return ParseError(.badPRI, "a syslog frame starts with '<'", offset: 0)
        case .cefHeader: return ParseError(.cefHeader, "expected 'CEF:' or a syslog header", offset: 0)
        default: return ParseError(.unknownFormat, "frame starts with none of '{', '<', 'CEF:'", offset: 0)
        }
    }

    @inline(__always)
    private func makeEvent(
        _ b: UnsafeBufferPointer<UInt8>, context: ParseContext, format: EventFormat, eventTime: Timestamp?,
        message: String, fields: Fields
    ) -> Event {
        Event(sequence: context.sequence, customer: context.customer, eventTime: eventTime ?? context.receivedTime,
              receivedTime: context.receivedTime,
              source: EventSource(listener: context.listener, peer: context.peer, peerPort: context.peerPort),
              format: format, message: message, fields: fields, raw: Array(b))
    }

    private func parseSyslog(_ b: UnsafeBufferPointer<UInt8>, context: ParseContext, cef: CEFHandling) throws(ParseError) -> Event {
        if let bad = UTF8Validator.firstInvalid(b) {
            throw ParseError(.invalidUTF8, "invalid UTF-8", offset: bad)
        }
        var i = 0
        let priority = try SyslogPriority.parse(b, &i)
        var fields = Fields(minimumCapacity: 16)
        let header: SyslogHeader
        if Syslog5424Parser.matches(b, at: i) {
            header = try Syslog5424Parser.parse(b, from: i, priority: priority, limits: limits, fields: &fields)
        } else {
            header = try Syslog3164Parser.parse(b, from: i, priority: priority, context: context, cefAware: cef != .never,
                                                fields: &fields)
        }
        if cef != .never, ByteText.hasPrefix(b, at: header.messageStart, "CEF:") {
            let inner = try CEFParser.parse(b, header.messageStart, header.messageEnd, context: context, limits: limits,
                                            fields: &fields)
            return makeEvent(b, context: context, format: .cef, eventTime: inner.eventTime ?? header.eventTime,
                             message: inner.message, fields: fields)
        }
        if cef == .required {
            throw ParseError(.cefHeader, "the syslog message does not start with 'CEF:'", offset: header.messageStart)
        }
        if let program = header.program, !extractors.isEmpty {
            extractors.apply(program: program, message: b, header.messageStart, header.messageEnd, to: &fields)
        }
        return makeEvent(b, context: context, format: header.format, eventTime: header.eventTime,
                         message: ByteText.string(b, header.messageStart, header.messageEnd), fields: fields)
    }

    private func parseBareCEF(_ b: UnsafeBufferPointer<UInt8>, context: ParseContext) throws(ParseError) -> Event {
        if let bad = UTF8Validator.firstInvalid(b) {
            throw ParseError(.invalidUTF8, "invalid UTF-8", offset: bad)
        }
        var fields = Fields(minimumCapacity: 24)
        let end = SyslogHeader.trimmedEnd(b, 0, b.count)
        let out = try CEFParser.parse(b, 0, end, context: context, limits: limits, fields: &fields)
        return makeEvent(b, context: context, format: .cef, eventTime: out.eventTime, message: out.message, fields: fields)
    }

    private func parseJSON(_ b: UnsafeBufferPointer<UInt8>, context: ParseContext) throws(ParseError) -> Event {
        var fields = Fields(minimumCapacity: 32)
        let out = try JSONLineParser.parse(b, limits: limits, fields: &fields)
        if !extractors.isEmpty, case .string(let program)? = fields["process.name"] {
            var message = out.message
            _ = message.withUTF8 { m in
                extractors.apply(program: program, message: m, 0, m.count, to: &fields)
            }
        }
        return makeEvent(b, context: context, format: .json, eventTime: out.eventTime, message: out.message, fields: fields)
    }
}
