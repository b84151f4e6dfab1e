/// A calendar date and wall-clock time without a zone (proleptic Gregorian).
public struct CivilDateTime: Sendable, Hashable, Comparable {
    public var year: Int
    public var month: Int
    public var day: Int
    public var hour: Int
    public var minute: Int
    public var second: Int
    public var nanosecond: Int

    public init(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0, nanosecond: Int = 0) {
        self.year = year
        self.month = month
        self.day = day
        self.hour = hour
        self.minute = minute
        self.second = second
        self.nanosecond = nanosecond
    }

    /// The instant this civil time names when read as UTC plus `offsetSeconds`.
    @inlinable
    public func timestamp(offsetSeconds: Int = 0) -> Timestamp {
        let days = CivilDateTime.daysFromCivil(year: year, month: month, day: day)
        let secs = Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second) - Int64(offsetSeconds)
        return Timestamp(seconds: secs, nanoseconds: Int64(nanosecond))
    }

    /// The civil time of `timestamp` at a fixed UTC offset.
    public init(_ timestamp: Timestamp, offsetSeconds: Int = 0) {
        let total = timestamp.seconds + Int64(offsetSeconds)
        var days = total / 86_400
        var rem = total % 86_400
        if rem < 0 { rem += 86_400; days -= 1 }
        let (y, m, d) = CivilDateTime.civilFromDays(Int(days))
        self.init(year: y, month: m, day: d, hour: Int(rem / 3600), minute: Int(rem % 3600 / 60),
                  second: Int(rem % 60), nanosecond: Int(timestamp.subsecondNanoseconds))
    }

    /// ISO weekday: 1 = Monday … 7 = Sunday.
    public var isoWeekday: Int {
        let days = CivilDateTime.daysFromCivil(year: year, month: month, day: day)
        // 1970-01-01 was a Thursday (4).
        let w = (days % 7 + 7 + 3) % 7  // 0 = Monday
        return w + 1
    }

    /// Seconds since local midnight.
    public var secondOfDay: Int { hour * 3600 + minute * 60 + second }

    public var isValid: Bool {
        (1...12).contains(month) && day >= 1 && day <= CivilDateTime.daysIn(month: month, year: year)
            && (0...23).contains(hour) && (0...59).contains(minute) && (0...60).contains(second)
            && (0..<1_000_000_000).contains(nanosecond)
    }

    public static func < (lhs: CivilDateTime, rhs: CivilDateTime) -> Bool {
        if (lhs.year, lhs.month, lhs.day) != (rhs.year, rhs.month, rhs.day) {
            return (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
        }
        return (lhs.hour, lhs.minute, lhs.second, lhs.nanosecond) < (rhs.hour, rhs.minute, rhs.second, rhs.nanosecond)
    }

    public static func isLeap(_ year: Int) -> Bool { year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) }

    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 (Howard Hinnant's algorithm).
    @inlinable
    public static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    public static func civilFromDays(_ z0: Int) -> (year: Int, month: Int, day: Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }
}
