extension Timestamp {
    /// `2026-11-21T03:04:05.123Z`: UTC, with 3, 6 or 9 fraction digits only when needed.
    public var rfc3339: String { rfc3339(offsetSeconds: 0) }

    /// RFC 3339 at a fixed UTC offset, such as `2026-11-21T04:04:05+01:00`.
    public func rfc3339(offsetSeconds: Int) -> String {
        let c = CivilDateTime(self, offsetSeconds: offsetSeconds)
        var out = ""
        out.reserveCapacity(35)
        func pad(_ v: Int, _ width: Int) {
            let s = String(v)
            if s.count < width { out += String(repeating: "0", count: width - s.count) }
            out += s
        }
        pad(c.year, 4); out += "-"; pad(c.month, 2); out += "-"; pad(c.day, 2)
        out += "T"; pad(c.hour, 2); out += ":"; pad(c.minute, 2); out += ":"; pad(c.second, 2)
        let n = c.nanosecond
        if n != 0 {
            out += "."
            if n % 1_000_000 == 0 { pad(n / 1_000_000, 3) } else if n % 1000 == 0 { pad(n / 1000, 6) } else { pad(n, 9) }
        }
        if offsetSeconds == 0 {
            out += "Z"
        } else {
            out += offsetSeconds < 0 ? "-" : "+"
            let a = abs(offsetSeconds)
            pad(a / 3600, 2); out += ":"; pad(a % 3600 / 60, 2)
        }
        return out
    }

    /// Parses RFC 3339 (`2026-11-21T03:04:05.123456+01:00` or `…Z`); nil when malformed.
    public init?(rfc3339 text: some StringProtocol) {
        let bytes = Array(text.utf8)
        guard let ts = bytes.withUnsafeBytes({ Timestamp.parseRFC3339($0) }) else { return nil }
        self = ts
    }

    /// The byte-level RFC 3339 parser the syslog parser uses too.
    public static func parseRFC3339(_ b: UnsafeRawBufferPointer) -> Timestamp? {
        @inline(__always) func digits(_ from: Int, _ count: Int) -> Int? {
            guard from + count <= b.count else { return nil }
            var v = 0
            for i in from..<(from + count) {
                let d = Int(b[i]) &- 48
                guard d >= 0 && d <= 9 else { return nil }
                v = v * 10 + d
            }
            return v
        }
        guard b.count >= 20,
              let year = digits(0, 4), b[4] == UInt8(ascii: "-"), let month = digits(5, 2), b[7] == UInt8(ascii: "-"),
              let day = digits(8, 2), b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: "t") || b[10] == UInt8(ascii: " "),
              let hour = digits(11, 2), b[13] == UInt8(ascii: ":"), let minute = digits(14, 2), b[16] == UInt8(ascii: ":"),
              let second = digits(17, 2)
        else { return nil }
        var i = 19
        var nanos = 0
        if i < b.count, b[i] == UInt8(ascii: ".") {
            i += 1
            var scale = 100_000_000
            let start = i
            while i < b.count, b[i] >= 48, b[i] <= 57 {
                nanos += Int(b[i] - 48) * scale
                scale /= 10
                i += 1
            }
            guard i > start, i - start <= 9 else { return nil }
        }
        guard i < b.count else { return nil }
        var offset = 0
        switch b[i] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            i += 1
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            guard let oh = digits(i + 1, 2), i + 3 < b.count, b[i + 3] == UInt8(ascii: ":"), let om = digits(i + 4, 2),
                  oh < 24, om < 60
            else { return nil }
            offset = (oh * 3600 + om * 60) * (b[i] == UInt8(ascii: "-") ? -1 : 1)
            i += 6
        default:
            return nil
        }
        guard i == b.count else { return nil }
        let civil = CivilDateTime(year: year, month: month, day: day, hour: hour, minute: minute,
                                  second: min(second, 59), nanosecond: nanos)
        guard civil.isValid else { return nil }
        return civil.timestamp(offsetSeconds: offset)
    }
}
