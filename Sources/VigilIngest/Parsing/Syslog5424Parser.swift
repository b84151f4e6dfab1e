import VigilEvents

/// RFC 5424: `<PRI>VERSION SP TIMESTAMP SP HOSTNAME SP APP-NAME SP PROCID SP MSGID SP SD [SP MSG]`.
///
/// Strict about the grammar (lengths, printable ASCII, SD syntax); lenient where RFC 5424 itself is:
/// an unknown escape in a param value keeps its backslash, and an unescaped `]` inside quotes is accepted.
enum Syslog5424Parser {
    /// Whether the bytes after `<PRI>` start an RFC 5424 header: a version number and a space (or the end).
    @inline(__always)
    static func matches(_ b: UnsafeBufferPointer<UInt8>, at i: Int) -> Bool {
        var k = i
        while k < b.count, k &- i < 3, b[k] &- 48 <= 9 { k &+= 1 }
        return k > i && (k == b.count || b[k] == UInt8(ascii: " "))
    }

    static let sdPrefix = "log.syslog.structured_data."

    /// Parses the header after `<PRI>` (at `start`) and appends its fields.
    static func parse(
        _ b: UnsafeBufferPointer<UInt8>, from start: Int, priority: SyslogPriority, limits: ParserLimits,
        fields: inout Fields
    ) throws(ParseError) -> SyslogHeader {
        let n = b.count
        var i = start
        // VERSION
        var version = 0
        while i < n, i &- start < 3, b[i] &- 48 <= 9 {
            version = version &* 10 &+ Int(b[i] &- 48)
            i &+= 1
        }
        guard i > start, b[start] != UInt8(ascii: "0") else {
            throw ParseError(.badVersion, "version must be a number from 1", offset: start)
        }
        guard i < n else { throw ParseError(.truncatedHeader, "frame ends after the version", offset: i) }
        guard b[i] == UInt8(ascii: " ") else { throw ParseError(.badVersion, "expected a space after the version", offset: i) }
        guard version == 1 else { throw ParseError(.badVersion, "version \(version) is not supported", offset: start) }
        i &+= 1

        // TIMESTAMP
        let (ts0, ts1) = try token(b, &i, maxLength: 64, name: "timestamp")
        var eventTime: Timestamp?
        if !(ts1 == ts0 &+ 1 && b[ts0] == UInt8(ascii: "-")) {
            guard let t = Timestamp.parseRFC3339(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(b)[ts0..<ts1])) else {
                throw ParseError(.badTimestamp, "timestamp is not RFC 3339", offset: ts0)
            }
            eventTime = t
        }
        let (h0, h1) = try token(b, &i, maxLength: 255, name: "hostname")
        let (a0, a1) = try token(b, &i, maxLength: 48, name: "app-name")
        let (p0, p1) = try token(b, &i, maxLength: 128, name: "procid")
        let (m0, m1) = try token(b, &i, maxLength: 32, name: "msgid")

        priority.append(to: &fields)
        fields.append("log.syslog.version", .int(Int64(version)))
        if !isNil(b, h0, h1) { fields.append("host.name", .string(ByteText.string(b, h0, h1))) }
        var program: String?
        if !isNil(b, a0, a1) {
            let app = ByteText.string(b, a0, a1)
            program = app
            fields.append("process.name", .string(app))
        }
        if !isNil(b, p0, p1) { SyslogHeader.appendPID(b, p0, p1, to: &fields) }
        if !isNil(b, m0, m1) { fields.append("log.syslog.msgid", .string(ByteText.string(b, m0, m1))) }

        // STRUCTURED-DATA
        guard i < n else { throw ParseError(.truncatedHeader, "frame ends before the structured data", offset: i) }
        if b[i] == UInt8(ascii: "-") {
            i &+= 1
        } else if b[i] == UInt8(ascii: "[") {
            try parseStructuredData(b, &i, limits: limits, fields: &fields)
        } else {
            throw ParseError(.badStructuredData, "expected '-' or '[' to start the structured data", offset: i)
        }

        // MSG
        var msgStart = n
        if i < n {
            guard b[i] == UInt8(ascii: " ") else {
                throw ParseError(.badStructuredData, "expected a space after the structured data", offset: i)
            }
            msgStart = i &+ 1
            if msgStart &+ 3 <= n, b[msgStart] == 0xEF, b[msgStart &+ 1] == 0xBB, b[msgStart &+ 2] == 0xBF {
                msgStart &+= 3
            }
            // rsyslog relaying RFC 3164 input keeps the space after "tag:" (what mmrm1stspace removes).
            while msgStart < n, b[msgStart] == UInt8(ascii: " ") { msgStart &+= 1 }
        }
        return SyslogHeader(format: .rfc5424, eventTime: eventTime, messageStart: msgStart,
                            messageEnd: SyslogHeader.trimmedEnd(b, msgStart, n), program: program)
    }

    @inline(__always)
    private static func isNil(_ b: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int) -> Bool {
        e == s &+ 1 && b[s] == UInt8(ascii: "-")
    }

    /// A header field: 1 to `maxLength` printable US-ASCII characters, followed by a space.
    @inline(__always)
    private static func token(
        _ b: UnsafeBufferPointer<UInt8>, _ i: inout Int, maxLength: Int, name: StaticString
    ) throws(ParseError) -> (Int, Int) {
        let start = i
        var k = i
        let n = b.count
        while k < n {
            let c = b[k]
            if c == UInt8(ascii: " ") { break }
            guard c > 32, c < 127 else {
                throw ParseError(.badHeader, "\(name) has a character outside printable US-ASCII", offset: k)
            }
            k &+= 1
        }
        guard k < n else { throw ParseError(.truncatedHeader, "frame ends inside the \(name)", offset: k) }
        guard k > start else { throw ParseError(.badHeader, "\(name) is empty (two spaces)", offset: k) }
        guard k &- start <= maxLength else {
            throw ParseError(.badHeader, "\(name) is longer than \(maxLength) characters", offset: start)
        }
        i = k &+ 1
        return (start, k)
    }

    /// SD-NAME: 1 to 32 printable US-ASCII characters except `=`, space, `]` and `"`.
    @inline(__always)
    private static func sdName(_ b: UnsafeBufferPointer<UInt8>, _ i: inout Int, what: StaticString) throws(ParseError) -> (Int, Int) {
        let start = i
        let n = b.count
        while i < n {
            let c = b[i]
            if c <= 32 || c >= 127 || c == UInt8(ascii: "=") || c == UInt8(ascii: "]") || c == UInt8(ascii: "\"") { break }
            i &+= 1
        }
        guard i < n else { throw ParseError(.truncatedHeader, "frame ends inside structured data", offset: i) }
        guard i > start else { throw ParseError(.badStructuredData, "empty \(what)", offset: i) }
        guard i &- start <= 32 else { throw ParseError(.badStructuredData, "\(what) is longer than 32 characters", offset: start) }
        return (start, i)
    }

    /// One or more SD-ELEMENTs; `i` is at the first `[`, and ends after the last `]`.
    static func parseStructuredData(
        _ b: UnsafeBufferPointer<UInt8>, _ i: inout Int, limits: ParserLimits, fields: inout Fields
    ) throws(ParseError) {
        let n = b.count
        var params = 0
        var scratch: [UInt8] = []
        let firstSDField = fields.count
        while i < n, b[i] == UInt8(ascii: "[") {
            i &+= 1
            let (id0, id1) = try sdName(b, &i, what: "SD-ID")
            let elementPrefix = sdPrefix + ByteText.string(b, id0, id1) + "."
            while true {
                guard i < n else { throw ParseError(.truncatedHeader, "frame ends inside structured data", offset: i) }
                if b[i] == UInt8(ascii: "]") {
                    i &+= 1
                    break
                }
                guard b[i] == UInt8(ascii: " ") else {
                    throw ParseError(.badStructuredData, "expected a space or ']' in an SD-ELEMENT", offset: i)
                }
                i &+= 1
                let (pn0, pn1) = try sdName(b, &i, what: "PARAM-NAME")
                guard b[i] == UInt8(ascii: "=") else {
                    throw ParseError(.badStructuredData, "expected '=' after a PARAM-NAME", offset: i)
                }
                i &+= 1
                guard i < n else { throw ParseError(.truncatedHeader, "frame ends inside structured data", offset: i) }
                guard b[i] == UInt8(ascii: "\"") else {
                    throw ParseError(.badStructuredData, "PARAM-VALUE must be in double quotes", offset: i)
                }
                i &+= 1
                let v0 = i
                var escaped = false
                while i < n, b[i] != UInt8(ascii: "\"") {
                    if b[i] == UInt8(ascii: "\\") {
                        escaped = true
                        i &+= 1
                    }
                    i &+= 1
                }
                guard i < n else { throw ParseError(.truncatedHeader, "frame ends inside a PARAM-VALUE", offset: v0) }
                let v1 = i
                i &+= 1
                params &+= 1
                guard params <= limits.maxFields else {
                    throw ParseError(.tooManyFields, "more than \(limits.maxFields) structured-data params", offset: pn0)
                }
                let value: String
                if escaped {
                    scratch.removeAll(keepingCapacity: true)
                    var k = v0
                    while k < v1 {
                        let c = b[k]
                        if c == UInt8(ascii: "\\"), k &+ 1 < v1 {
                            let next = b[k &+ 1]
                            if next == UInt8(ascii: "\"") || next == UInt8(ascii: "\\") || next == UInt8(ascii: "]") {
                                scratch.append(next)
                                k &+= 2
                                continue
                            }
                        }
                        scratch.append(c)
                        k &+= 1
                    }
                    value = String(decoding: scratch, as: UTF8.self)
                } else {
                    value = ByteText.string(b, v0, v1)
                }
                let path = elementPrefix + ByteText.string(b, pn0, pn1)
                appendParam(path, value, from: firstSDField, to: &fields)
            }
        }
    }

    /// Appends a param; a repeated name (or a repeated SD-ID) turns the field into an array.
    @inline(__always)
    private static func appendParam(_ path: String, _ value: String, from first: Int, to fields: inout Fields) {
        if fields.count > first {
            for existing in fields.storage[first...] where existing.path == path {
                switch existing.value {
                case .array(let items): fields[path] = .array(items + [.string(value)])
                default: fields[path] = .array([existing.value, .string(value)])
                }
                return
            }
        }
        fields.append(path, .string(value))
    }
}
