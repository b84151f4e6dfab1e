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
        var bloom: PathBloom
    }

    static func parse(
        _ b: UnsafeBufferPointer<UInt8>, limits: ParserLimits, fields: inout Fields
    ) throws(ParseError) -> Output {
        var parser = JSONFlatteningParser(b, limits: limits, fields: fields)
        fields = Fields()  // one reference to the storage, so appends don't copy
        parser.skipWhitespace()
        guard parser.i < parser.n else { throw ParseError(.empty, "no JSON value", offset: parser.i) }
        let first = parser.p[parser.i]
        guard first == UInt8(ascii: "{") else {
            if first == UInt8(ascii: "[") || first == UInt8(ascii: "\"") || first == UInt8(ascii: "-") || first &- 48 <= 9
                || first == UInt8(ascii: "t") || first == UInt8(ascii: "f") || first == UInt8(ascii: "n")
            {
                throw ParseError(.notAnObject, "the top-level JSON value must be an object", offset: parser.i)
            }
            throw ParseError(.jsonSyntax, "expected '{'", offset: parser.i)
        }
        let output = try topObject(&parser)
        parser.skipWhitespace()
        guard parser.i == parser.n else { throw ParseError(.jsonSyntax, "characters after the JSON value", offset: parser.i) }
        fields = parser.fields
        return output
    }

    /// The top-level object: like `JSONFlatteningParser.object`, plus the message and event-time keys.
    private static func topObject(_ parser: inout JSONFlatteningParser) throws(ParseError) -> Output {
        let b = parser.b
        parser.values &+= 1
        parser.i &+= 1
        parser.skipWhitespace()
        guard parser.i < parser.n else { throw ParseError(.jsonSyntax, "input ends inside an object", offset: parser.i) }
        var message: String?
        var msg: String?
        var time: Timestamp?
        var timeRank = Int.max
        if parser.p[parser.i] == UInt8(ascii: "}") {
            parser.i &+= 1
            return Output(message: "", eventTime: nil, bloom: PathBloom())
        }
        guard parser.p[parser.i] == UInt8(ascii: "\"") else {
            throw ParseError(.jsonSyntax, "expected a key or '}'", offset: parser.i)
        }
        repeat {
            let (ks, ke, keyEscaped) = try parser.scanString()
            try parser.colon()
            let vs = parser.i
            let isString = parser.p[vs] == UInt8(ascii: "\"")
            var rank = Int.max
            if !keyEscaped {
                switch ke &- ks {
                case 7 where isString && ByteText.equals(b, ks, ke, "message"):
                    let (s, e, escaped) = try parser.scanString()
                    message = JSONStringDecoder.decode(b, s, e, escaped: escaped)
                    parser.values &+= 1
                    continue
                case 3 where isString && ByteText.equals(b, ks, ke, "msg"):
                    let (s, e, escaped) = try parser.scanString()
                    parser.values &+= 1
                    let text = JSONStringDecoder.decode(b, s, e, escaped: escaped)
                    msg = text
                    try parser.add("msg", fieldHash(b, ks, ke), .string(text))
                    continue
                case 10 where ByteText.equals(b, ks, ke, "@timestamp"): rank = 0
                case 9 where ByteText.equals(b, ks, ke, "timestamp"): rank = 1
                case 4 where ByteText.equals(b, ks, ke, "time"): rank = 2
                default: break
                }
            }
            let (path, h, index) = JSONFlatteningParser.path(b, parser.interned, prefix: nil, prefixHash: FieldWriter.hashBasis, prefixIndex: -1,
                                                             ks, ke, escaped: keyEscaped)
            try parser.value(path: path, hash: h, index: index, depth: 1)
            if rank < timeRank, let t = eventTime(b, vs, parser.i) {
                time = t
                timeRank = rank
            }
        } while try parser.separator(close: UInt8(ascii: "}"), inObject: true)
        return Output(message: message ?? msg ?? "", eventTime: time, bloom: parser.seen)
    }

    @inline(__always)
    private static func fieldHash(_ b: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int) -> UInt64 {
        var h = FieldWriter.hashBasis
        for k in s..<e { h = FieldWriter.hash(h, b[k]) }
        return h
    }

    /// The value text `b[s..<e]` as an event time: an RFC 3339 string (without escapes), a numeric string,
    /// or a number since the epoch.
    private static func eventTime(_ b: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int) -> Timestamp? {
        guard e > s else { return nil }
        if b[s] == UInt8(ascii: "\"") {
            let cs = s &+ 1
            let ce = e &- 1
            guard ce > cs else { return nil }
            for k in cs..<ce where b[k] == UInt8(ascii: "\\") { return nil }
            if ce &- cs <= 19, let v = ByteText.decimal(b, cs, ce) { return EpochTime.timestamp(v) }
            return Timestamp.parseRFC3339(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(b)[cs..<ce]))
        }
        guard b[s] == UInt8(ascii: "-") || b[s] &- 48 <= 9 else { return nil }
        var integral = true
        for k in s..<e where b[k] == UInt8(ascii: ".") || b[k] | 0x20 == UInt8(ascii: "e") {
            integral = false
            break
        }
        if integral, let v = JSONNumber.int64(b, s, e) { return EpochTime.timestamp(v) }
        return EpochTime.timestamp(b, s, e) ?? EpochTime.timestamp(JSONNumber.double(b, s, e))
    }
}
