import VigilEvents

/// The syslog PRI value split into facility and severity, with their conventional names.
struct SyslogPriority: Sendable, Hashable {
    let value: Int

    var facility: Int { value >> 3 }
    var severity: Int { value & 7 }

    /// rsyslog's facility keywords, indexed by code.
    static let facilityNames: [String] = [
        "kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news", "uucp", "cron", "authpriv", "ftp",
        "ntp", "security", "console", "solaris-cron", "local0", "local1", "local2", "local3", "local4", "local5",
        "local6", "local7",
    ]

    /// Severity keywords, indexed by code.
    static let severityNames: [String] = ["emerg", "alert", "crit", "err", "warning", "notice", "info", "debug"]

    /// Appends `log.syslog.priority`, `.facility.code/.name`, `.severity.code/.name`.
    @inline(__always)
    func append(to fields: inout Fields) {
        fields.append("log.syslog.priority", .int(Int64(value)))
        fields.append("log.syslog.facility.code", .int(Int64(facility)))
        fields.append("log.syslog.facility.name", .string(Self.facilityNames[facility]))
        fields.append("log.syslog.severity.code", .int(Int64(severity)))
        fields.append("log.syslog.severity.name", .string(Self.severityNames[severity]))
    }

    /// Parses `<PRI>` at `b[0]`: 1 to 3 digits, 0 to 191, no leading zeros. Returns the index after `>`.
    @inline(__always)
    static func parse(_ b: UnsafeBufferPointer<UInt8>, _ index: inout Int) throws(ParseError) -> SyslogPriority {
        var i = index
        guard i < b.count, b[i] == UInt8(ascii: "<") else {
            throw ParseError(.badPRI, "expected '<' to open the priority", offset: i)
        }
        i &+= 1
        var value = 0
        let start = i
        while i < b.count, b[i] &- 48 <= 9 {
            value = value &* 10 &+ Int(b[i] &- 48)
            i &+= 1
            if i &- start > 3 { throw ParseError(.badPRI, "priority has more than 3 digits", offset: start) }
        }
        guard i < b.count else { throw ParseError(.truncatedHeader, "frame ends inside the priority", offset: i) }
        guard i > start else { throw ParseError(.badPRI, "priority has no digits", offset: start) }
        guard b[i] == UInt8(ascii: ">") else { throw ParseError(.badPRI, "expected '>' after the priority digits", offset: i) }
        guard !(b[start] == UInt8(ascii: "0") && i &- start > 1) else {
            throw ParseError(.badPRI, "priority has a leading zero", offset: start)
        }
        guard value <= 191 else { throw ParseError(.badPRI, "priority \(value) is above 191", offset: start) }
        index = i &+ 1
        return SyslogPriority(value: value)
    }
}
