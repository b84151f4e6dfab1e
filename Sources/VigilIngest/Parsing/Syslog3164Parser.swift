import VigilEvents

/// RFC 3164 (BSD syslog) as real senders write it: `<PRI>Mmm dd hh:mm:ss HOST TAG[PID]: MSG`.
///
/// Also accepted: a space-padded or single-digit day, a year after the day (`Mmm dd yyyy hh:mm:ss`),
/// fractional seconds, an ISO 8601 timestamp (rsyslog's forward format), no hostname (`logger` to a local
/// socket writes `<13>Nov 21 16:54:04 root: msg`), no timestamp, and no tag.
/// The year is inferred from the received time and the stamp is read in the listener's zone.
enum Syslog3164Parser {
    static func parse(
        _ b: UnsafeBufferPointer<UInt8>, from start: Int, priority: SyslogPriority, context: ParseContext,
        cefAware: Bool, fields: inout Fields
    ) throws(ParseError) -> SyslogHeader {
        let n = b.count
        var i = start
        var eventTime: Timestamp?
        var hasTimestamp = false

        if i < n, b[i] &- 48 <= 9 {
            // ISO 8601 timestamp.
            var k = i
            while k < n, b[k] != UInt8(ascii: " ") { k &+= 1 }
            guard let t = LocalTime.iso(b, i, k, zone: context.timeZone) else {
                throw ParseError(.badTimestamp, "timestamp is neither 'Mmm dd hh:mm:ss' nor ISO 8601", offset: i)
            }
            eventTime = t
            hasTimestamp = true
            i = k
        } else if let month = LocalTime.month(b, at: i), i &+ 3 < n, b[i &+ 3] == UInt8(ascii: " ") {
            eventTime = try classicTimestamp(b, &i, month: month, context: context)
            hasTimestamp = true
        }
        if hasTimestamp {
            guard i < n else { throw ParseError(.truncatedHeader, "frame ends after the timestamp", offset: i) }
            guard b[i] == UInt8(ascii: " ") else {
                throw ParseError(.badTimestamp, "expected a space after the timestamp", offset: i)
            }
        }
        while i < n, b[i] == UInt8(ascii: " ") { i &+= 1 }

        priority.append(to: &fields)
        var program: String?
        if !(cefAware && ByteText.hasPrefix(b, at: i, "CEF:")) {
            var tokenEnd = i
            while tokenEnd < n, b[tokenEnd] != UInt8(ascii: " ") { tokenEnd &+= 1 }
            if looksLikeTag(b, i, tokenEnd) {
                program = parseTag(b, &i, fields: &fields)
            } else if hasTimestamp, tokenEnd < n, isHostname(b, i, tokenEnd) {
                fields.append("host.name", .string(ByteText.string(b, i, tokenEnd)))
                i = tokenEnd
                while i < n, b[i] == UInt8(ascii: " ") { i &+= 1 }
                if !(cefAware && ByteText.hasPrefix(b, at: i, "CEF:")) {
                    var end2 = i
                    while end2 < n, b[end2] != UInt8(ascii: " ") { end2 &+= 1 }
                    if looksLikeTag(b, i, end2) { program = parseTag(b, &i, fields: &fields) }
                }
            }
        }
        return SyslogHeader(format: .rfc3164, eventTime: eventTime, messageStart: i,
                            messageEnd: SyslogHeader.trimmedEnd(b, i, n), program: program)
    }

    /// `Mmm dd [yyyy ]hh:mm:ss[.fff]` starting at the month; `i` ends after the stamp.
    private static func classicTimestamp(
        _ b: UnsafeBufferPointer<UInt8>, _ i: inout Int, month: Int, context: ParseContext
    ) throws(ParseError) -> Timestamp {
        let n = b.count
        let start = i
        var k = i &+ 4
        if k < n, b[k] == UInt8(ascii: " ") { k &+= 1 }  // space-padded day
        var day = 0
        let d0 = k
        while k < n, k &- d0 < 2, b[k] &- 48 <= 9 {
            day = day &* 10 &+ Int(b[k] &- 48)
            k &+= 1
        }
        guard k > d0 else { throw ParseError(.badTimestamp, "no day of month after the month name", offset: d0) }
        guard k < n else { throw ParseError(.truncatedHeader, "frame ends inside the timestamp", offset: k) }
        guard b[k] == UInt8(ascii: " ") else { throw ParseError(.badTimestamp, "expected a space after the day", offset: k) }
        k &+= 1
        var year: Int?
        if k &+ 5 <= n, b[k &+ 4] == UInt8(ascii: " "), let y = ByteText.decimal(b, k, k &+ 4) {
            year = Int(y)
            k &+= 5
        }
        guard k &+ 8 <= n else { throw ParseError(.truncatedHeader, "frame ends inside the timestamp", offset: k) }
        guard let c = LocalTime.clock(b, &k) else {
            throw ParseError(.badTimestamp, "time of day is not hh:mm:ss", offset: k)
        }
        i = k
        let t: Timestamp?
        if let year {
            t = LocalTime.instant(CivilDateTime(year: year, month: month, day: day, hour: c.hour, minute: c.minute,
                                                second: c.second, nanosecond: c.nanosecond), in: context.timeZone)
        } else {
            t = LocalTime.inferYear(month: month, day: day, hour: c.hour, minute: c.minute, second: c.second,
                                    nanosecond: c.nanosecond, received: context.receivedTime, zone: context.timeZone)
        }
        guard let t else { throw ParseError(.badTimestamp, "day \(day) does not exist in that month", offset: start) }
        return t
    }

    /// A tag token ends with `:` (`sshd:`) or holds `name[pid]`.
    @inline(__always)
    private static func looksLikeTag(_ b: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int) -> Bool {
        guard e > s &+ 1, b[s] != UInt8(ascii: "["), b[s] != UInt8(ascii: ":") else { return false }
        if b[e &- 1] == UInt8(ascii: ":") { return true }
        var k = s &+ 1
        while k < e {
            if b[k] == UInt8(ascii: "[") { return b[e &- 1] == UInt8(ascii: "]") || memchr(b, k, e, UInt8(ascii: "]")) }
            k &+= 1
        }
        return false
    }

    @inline(__always)
    private static func memchr(_ b: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int, _ c: UInt8) -> Bool {
        var k = s
        while k < e {
            if b[k] == c { return true }
            k &+= 1
        }
        return false
    }

    /// Hostnames, IPv4 and IPv6 addresses: letters, digits, `.`, `-`, `_`, `:`, `%`.
    @inline(__always)
    private static func isHostname(_ b: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int) -> Bool {
        guard e > s, e &- s <= 255 else { return false }
        for k in s..<e {
            let c = b[k]
            let ok = (c | 0x20) &- 0x61 < 26 || c &- 48 <= 9 || c == UInt8(ascii: ".") || c == UInt8(ascii: "-")
                || c == UInt8(ascii: "_") || c == UInt8(ascii: ":") || c == UInt8(ascii: "%")
            if !ok { return false }
        }
        return true
    }

    /// Reads `name[pid]:` or `name:` at `i`, appends `process.name` / `process.pid`, and moves `i` to MSG.
    private static func parseTag(_ b: UnsafeBufferPointer<UInt8>, _ i: inout Int, fields: inout Fields) -> String? {
        let n = b.count
        let s = i
        var k = i
        while k < n, b[k] != UInt8(ascii: "["), b[k] != UInt8(ascii: ":"), b[k] != UInt8(ascii: " ") { k &+= 1 }
        guard k > s, k < n, b[k] != UInt8(ascii: " ") else { return nil }
        let name = ByteText.string(b, s, k)
        var pid: (Int, Int)?
        if b[k] == UInt8(ascii: "[") {
            let p0 = k &+ 1
            var p1 = p0
            while p1 < n, b[p1] != UInt8(ascii: "]"), b[p1] != UInt8(ascii: " ") { p1 &+= 1 }
            guard p1 < n, b[p1] == UInt8(ascii: "]") else { return nil }
            if p1 > p0 { pid = (p0, p1) }
            k = p1 &+ 1
        }
        if k < n, b[k] == UInt8(ascii: ":") { k &+= 1 }
        while k < n, b[k] == UInt8(ascii: " ") { k &+= 1 }
        fields.append("process.name", .string(name))
        if let pid { SyslogHeader.appendPID(b, pid.0, pid.1, to: &fields) }
        i = k
        return name
    }
}
