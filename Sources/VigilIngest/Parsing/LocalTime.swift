import VigilEvents

/// Wall-clock times without an offset, read in a zone: RFC 3164 stamps, year inference, CEF dates.
enum LocalTime {
    /// The month (1-12) named by three ASCII letters at `b[i]` (`Jan`…`Dec`, any case), else nil.
    @inline(__always)
    static func month(_ b: UnsafeBufferPointer<UInt8>, at i: Int) -> Int? {
        guard i &+ 3 <= b.count else { return nil }
        let key = (UInt32(b[i] | 0x20) << 16) | (UInt32(b[i &+ 1] | 0x20) << 8) | UInt32(b[i &+ 2] | 0x20)
        switch key {
        case 0x6A_616E: return 1   // jan
        case 0x66_6562: return 2   // feb
        case 0x6D_6172: return 3   // mar
        case 0x61_7072: return 4   // apr
        case 0x6D_6179: return 5   // may
        case 0x6A_756E: return 6   // jun
        case 0x6A_756C: return 7   // jul
        case 0x61_7567: return 8   // aug
        case 0x73_6570: return 9   // sep
        case 0x6F_6374: return 10  // oct
        case 0x6E_6F76: return 11  // nov
        case 0x64_6563: return 12  // dec
        default: return nil
        }
    }

    /// The instant a local wall-clock time names in `zone` (DST-correct); nil when the date does not exist.
    @inline(__always)
    static func instant(_ civil: CivilDateTime, in zone: ZoneRules) -> Timestamp? {
        guard civil.isValid else { return nil }
        let guess = civil.timestamp()
        let before = zone.offset(at: guess - .days(1))
        let after = zone.offset(at: guess + .days(1))
        if before == after { return civil.timestamp(offsetSeconds: before) }
        return zone.instant(for: civil)
    }

    /// Picks the year for a stamp without one: the year that puts it closest to `received`, but no more
    /// than one day in the future. A December stamp received in January lands in the previous year.
    static func inferYear(
        month: Int, day: Int, hour: Int, minute: Int, second: Int, nanosecond: Int,
        received: Timestamp, zone: ZoneRules
    ) -> Timestamp? {
        let receivedYear = zone.civil(at: received).year
        let limit = received + .days(1)
        var fallback: Timestamp?
        // Descending years: the first one not beyond the limit is the closest from below.
        for year in [receivedYear + 1, receivedYear, receivedYear - 1] {
            let civil = CivilDateTime(year: year, month: month, day: day, hour: hour, minute: minute, second: second,
                                      nanosecond: nanosecond)
            guard let t = instant(civil, in: zone) else { continue }
            if t <= limit { return t }
            fallback = t
        }
        // 29 February: go back to the last leap year.
        if month == 2, day == 29 {
            for year in stride(from: receivedYear - 2, through: receivedYear - 8, by: -1) {
                let civil = CivilDateTime(year: year, month: 2, day: 29, hour: hour, minute: minute, second: second,
                                          nanosecond: nanosecond)
                if let t = instant(civil, in: zone) { return t }
            }
        }
        return fallback
    }

    /// Reads `hh:mm:ss[.fraction]` at `b[i]`; advances `i` past it.
    @inline(__always)
    static func clock(_ b: UnsafeBufferPointer<UInt8>, _ i: inout Int) -> (hour: Int, minute: Int, second: Int, nanosecond: Int)? {
        let n = b.count
        guard i &+ 8 <= n, b[i &+ 2] == UInt8(ascii: ":"), b[i &+ 5] == UInt8(ascii: ":"),
              let h = two(b, i), let m = two(b, i &+ 3), let s = two(b, i &+ 6),
              h < 24, m < 60, s <= 60
        else { return nil }
        i &+= 8
        var nanos = 0
        if i < n, b[i] == UInt8(ascii: ".") || b[i] == UInt8(ascii: ",") {
            var k = i &+ 1
            var scale = 100_000_000
            while k < n, b[k] &- 48 <= 9 {
                if k &- i <= 9 { nanos &+= Int(b[k] &- 48) &* scale }
                scale /= 10
                k &+= 1
            }
            if k > i &+ 1 { i = k }
        }
        return (h, m, min(s, 59), nanos)
    }

    @inline(__always)
    static func two(_ b: UnsafeBufferPointer<UInt8>, _ i: Int) -> Int? {
        let a = b[i] &- 48
        let c = b[i &+ 1] &- 48
        guard a <= 9, c <= 9 else { return nil }
        return Int(a) &* 10 &+ Int(c)
    }

    /// ISO 8601 `yyyy-mm-ddThh:mm:ss[.f]` with an offset (RFC 3339) or, without one, read in `zone`.
    static func iso(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, zone: ZoneRules) -> Timestamp? {
        let raw = UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(b)[start..<end])
        if let t = Timestamp.parseRFC3339(raw) { return t }
        guard end &- start >= 19, b[start &+ 4] == UInt8(ascii: "-"), b[start &+ 7] == UInt8(ascii: "-"),
              b[start &+ 10] == UInt8(ascii: "T") || b[start &+ 10] == UInt8(ascii: " "),
              let y1 = two(b, start), let y2 = two(b, start &+ 2), let mo = two(b, start &+ 5), let d = two(b, start &+ 8)
        else { return nil }
        var i = start &+ 11
        guard let c = clock(b, &i), i == end else { return nil }
        return instant(CivilDateTime(year: y1 * 100 + y2, month: mo, day: d, hour: c.hour, minute: c.minute,
                                     second: c.second, nanosecond: c.nanosecond), in: zone)
    }
}
