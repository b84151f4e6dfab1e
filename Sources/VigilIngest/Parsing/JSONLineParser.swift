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
        /// Bloom bits of the paths written (see `FieldWriter`).
        var bloom: UInt64
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
        var time: Timestamp?
        var timeRank = Int.max
        var k = 1
        while tape[k].kind != .objectEnd {
            let keyToken = tape[k]
            let valueToken = tape[k &+ 1]
            let ks = Int(keyToken.start)
            let ke = Int(keyToken.end)
            if !keyToken.flag, valueToken.kind == .string || valueToken.kind == .number {
                switch ke &- ks {
                case 7 where valueToken.kind == .string && ByteText.equals(b, ks, ke, "message"):
                    message = JSONStringDecoder.decode(b, valueToken)
                    k &+= 2
                    continue
                case 3 where valueToken.kind == .string && ByteText.equals(b, ks, ke, "msg"):
                    let text = JSONStringDecoder.decode(b, valueToken)
                    msg = text
                    try flattener.add("msg", fieldHash(b, ks, ke), .string(text))
                    k &+= 2
                    continue
                case 10 where timeRank > 0 && ByteText.equals(b, ks, ke, "@timestamp"):
                    if let t = eventTime(b, valueToken) { time = t; timeRank = 0 }
                case 9 where timeRank > 1 && ByteText.equals(b, ks, ke, "timestamp"):
                    if let t = eventTime(b, valueToken) { time = t; timeRank = 1 }
                case 4 where timeRank > 2 && ByteText.equals(b, ks, ke, "time"):
                    if let t = eventTime(b, valueToken) { time = t; timeRank = 2 }
                default:
                    break
                }
            }
            let (path, h) = flattener.path(prefix: nil, prefixHash: JSONFlattener.hashBasis, key: keyToken)
            k = try flattener.value(at: k &+ 1, path: path, hash: h)
        }
        fields = flattener.fields
        return Output(message: message ?? msg ?? "", eventTime: time, bloom: flattener.seen)
    }

    @inline(__always)
    private static func fieldHash(_ b: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int) -> UInt64 {
        var h = JSONFlattener.hashBasis
        for k in s..<e { h = JSONFlattener.hash(h, b[k]) }
        return h
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
        if e &- s <= 19, let v = ByteText.decimal(b, s, e) { return EpochTime.timestamp(v) }
        return Timestamp.parseRFC3339(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(b)[s..<e]))
    }
}
