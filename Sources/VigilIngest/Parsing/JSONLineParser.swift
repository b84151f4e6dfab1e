import VigilEvents

/// One JSON object per frame, flattened into fields.
///
/// The top-level `message` string becomes the event message (and is not repeated as a field); without it,
/// a top-level `msg` string is the message (and stays a field). The event time comes from the first of
/// `@timestamp`, `timestamp`, `time` that holds an RFC 3339 string or epoch seconds/ms/µs/ns.
enum JSONLineParser {
    struct Output {
        var message: String
        var eventTime: Timestamp?
    }

    static func parse(
        _ b: UnsafeBufferPointer<UInt8>, limits: ParserLimits, fields: inout Fields
    ) throws(ParseError) -> Output {
        let capacity = min(b.count &+ 1, limits.maxJSONValues &* 2 &+ 2)
        return try withUnsafeTemporaryAllocation(of: JSONToken.self, capacity: capacity) {
            (tape: UnsafeMutableBufferPointer<JSONToken>) throws(ParseError) -> Output in
            let tokenizer = JSONTokenizer(b: b, maxDepth: limits.maxJSONDepth, maxValues: limits.maxJSONValues,
                                          allowAnyTopLevel: false)
            _ = try tokenizer.tokenize(into: tape)
            return try flattenTop(b, tape, limits: limits, fields: &fields)
        }
    }

    private static func flattenTop(
        _ b: UnsafeBufferPointer<UInt8>, _ tape: UnsafeMutableBufferPointer<JSONToken>, limits: ParserLimits,
        fields: inout Fields
    ) throws(ParseError) -> Output {
        var flattener = JSONFlattener(b: b, tape: tape, maxFields: limits.maxFields, fields: fields)
        fields = Fields()  // keep one reference to the storage so appends don't copy
        var message: String?
        var msg: String?
        var timeToken: JSONToken?
        var timeRank = Int.max
        var k = 1
        while tape[k].kind != .objectEnd {
            let keyToken = tape[k]
            let valueToken = tape[k &+ 1]
            let ks = Int(keyToken.start)
            let ke = Int(keyToken.end)
            if !keyToken.flag, valueToken.kind == .string || valueToken.kind == .number {
                if valueToken.kind == .string, ByteText.equals(b, ks, ke, "message") {
                    message = JSONStringDecoder.decode(b, valueToken)
                    k &+= 2
                    continue
                }
                if valueToken.kind == .string, ByteText.equals(b, ks, ke, "msg") {
                    let text = JSONStringDecoder.decode(b, valueToken)
                    msg = text
                    try flattener.add("msg", .string(text))
                    k &+= 2
                    continue
                }
                let rank = ByteText.equals(b, ks, ke, "@timestamp") ? 0
                    : ByteText.equals(b, ks, ke, "timestamp") ? 1 : ByteText.equals(b, ks, ke, "time") ? 2 : Int.max
                if rank < timeRank, eventTime(b, valueToken) != nil {
                    timeRank = rank
                    timeToken = valueToken
                }
            }
            let key = JSONStringDecoder.decode(b, keyToken)
            k = try flattener.value(at: k &+ 1, path: key)
        }
        fields = flattener.fields
        return Output(message: message ?? msg ?? "", eventTime: timeToken.flatMap { eventTime(b, $0) })
    }

    /// An RFC 3339 string, a numeric string, or a number since the epoch.
    private static func eventTime(_ b: UnsafeBufferPointer<UInt8>, _ t: JSONToken) -> Timestamp? {
        let s = Int(t.start)
        let e = Int(t.end)
        if t.kind == .number {
            if t.flag, let v = JSONNumber.int64(b, s, e) { return EpochTime.timestamp(v) }
            return EpochTime.timestamp(b, s, e) ?? EpochTime.timestamp(JSONNumber.double(b, s, e))
        }
        guard !t.flag, e > s else { return nil }
        if let v = ByteText.decimal(b, s, e) { return EpochTime.timestamp(v) }
        return Timestamp.parseRFC3339(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(b)[s..<e]))
    }
}
