import VigilEvents

/// A customer's working week in local time: intervals per ISO weekday, plus holidays.
public struct BusinessHours: Sendable, Hashable, CustomStringConvertible {
    /// Seconds after local midnight; `end` may exceed 86400 for a shift that runs past midnight.
    public struct Interval: Sendable, Hashable {
        public var start: Int
        public var end: Int
    }

    /// Index 1…7 (Monday…Sunday); index 0 unused.
    public private(set) var days: [[Interval]]
    /// Local dates (days since 1970-01-01) that are not business days.
    public private(set) var holidays: Set<Int>

    public init(days: [[Interval]], holidays: Set<Int> = []) {
        self.days = days
        self.holidays = holidays
    }

    /// Monday to Friday, 08:00 to 18:00: the default when a playbook says nothing.
    public static let standard: BusinessHours = {
        var days = [[Interval]](repeating: [], count: 8)
        for d in 1...5 { days[d] = [Interval(start: 8 * 3600, end: 18 * 3600)] }
        return BusinessHours(days: days)
    }()

    /// True when `civil` (local wall-clock time) falls in business hours.
    public func contains(_ civil: CivilDateTime) -> Bool {
        let day = CivilDateTime.daysFromCivil(year: civil.year, month: civil.month, day: civil.day)
        let s = civil.secondOfDay
        let weekday = civil.isoWeekday
        if !holidays.contains(day) {
            for i in days[weekday] where s >= i.start && s < min(i.end, 86_400) { return true }
        }
        let previous = weekday == 1 ? 7 : weekday - 1
        if !holidays.contains(day - 1) {
            for i in days[previous] where i.end > 86_400 && s < i.end - 86_400 { return true }
        }
        return false
    }

    public var description: String {
        let names = ["", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
        var parts: [String] = []
        for d in 1...7 where !days[d].isEmpty {
            parts.append("\(names[d]) " + days[d].map { "\(TimeOfDay.format($0.start))-\(TimeOfDay.format($0.end % 86_400 == 0 && $0.end > 0 ? 86_400 : $0.end % 86_400))" }.joined(separator: ","))
        }
        return parts.isEmpty ? "never" : parts.joined(separator: "; ")
    }
}

/// Parsing of `HH:MM-HH:MM` ranges and weekday lists.
enum TimeOfDay {
    static let weekdayNames = ["mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6, "sun": 7]

    static func format(_ seconds: Int) -> String {
        let h = seconds / 3600, m = seconds % 3600 / 60
        return (h < 10 ? "0" : "") + "\(h):" + (m < 10 ? "0" : "") + "\(m)"
    }

    /// `08:00`, or `24:00` at the end of a range.
    static func parseClock(_ s: Substring) -> Int? {
        let parts = s.split(separator: ":")
        guard parts.count == 2, parts[0].count <= 2, parts[1].count == 2,
              let h = Int(parts[0]), let m = Int(parts[1]), (0...24).contains(h), (0...59).contains(m), h * 60 + m <= 1440
        else { return nil }
        return h * 3600 + m * 60
    }

    /// `22:00-06:00` → (79200, 108000): an end before the start runs past midnight.
    static func parseRange(_ text: String) -> BusinessHours.Interval? {
        let trimmed = text.filter { $0 != " " }
        let parts = trimmed.split(separator: "-")
        guard parts.count == 2, let a = parseClock(parts[0]), let b = parseClock(parts[1]), a != b, a < 86_400 else { return nil }
        return BusinessHours.Interval(start: a, end: b > a ? b : b + 86_400)
    }

    /// `mon-fri`, `sat`, `mon,wed,fri`, `daily`.
    static func parseDays(_ text: String) -> Set<Int>? {
        let t = text.lowercased().filter { $0 != " " }
        if t == "daily" || t == "every-day" { return Set(1...7) }
        var out: Set<Int> = []
        for piece in t.split(separator: ",") {
            let ends = piece.split(separator: "-")
            if ends.count == 1 {
                guard let d = weekdayNames[String(ends[0].prefix(3))], ends[0].count == 3 || fullName(ends[0]) else { return nil }
                out.insert(d)
            } else if ends.count == 2 {
                guard let a = weekdayNames[String(ends[0].prefix(3))], let b = weekdayNames[String(ends[1].prefix(3))] else { return nil }
                var d = a
                while true {
                    out.insert(d)
                    if d == b { break }
                    d = d == 7 ? 1 : d + 1
                }
            } else {
                return nil
            }
        }
        return out.isEmpty ? nil : out
    }

    private static func fullName(_ s: Substring) -> Bool {
        ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"].contains(String(s))
    }

    /// `YYYY-MM-DD` → days since the epoch.
    static func parseDate(_ text: String) -> Int? {
        let parts = text.split(separator: "-")
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]),
              CivilDateTime(year: y, month: m, day: d).isValid
        else { return nil }
        return CivilDateTime.daysFromCivil(year: y, month: m, day: d)
    }
}

/// A rule's `vigil.when`: time-of-day and weekday limits, evaluated in the customer's time zone.
struct TimeCondition: Sendable, Hashable {
    enum BusinessHoursMode: String, Sendable, Hashable {
        case inside
        case outside
    }

    var businessHours: BusinessHoursMode?
    var hours: [BusinessHours.Interval]
    var weekdays: Set<Int>?

    /// Bound to one customer's zone and working week.
    struct Bound: Sendable, Hashable {
        var condition: TimeCondition
        var zone: ZoneRules
        var week: BusinessHours

        func holds(at time: Timestamp) -> Bool {
            let civil = zone.civil(at: time)
            if let mode = condition.businessHours {
                let inside = week.contains(civil)
                if (mode == .inside) != inside { return false }
            }
            if let days = condition.weekdays, !days.contains(civil.isoWeekday) { return false }
            if !condition.hours.isEmpty {
                let s = civil.secondOfDay
                var any = false
                for i in condition.hours where (s >= i.start && s < i.end) || (i.end > 86_400 && s < i.end - 86_400) {
                    any = true
                    break
                }
                if !any { return false }
            }
            return true
        }

        func explain(at time: Timestamp) -> ExplainNode {
            let civil = zone.civil(at: time)
            let local = time.rfc3339(offsetSeconds: zone.offset(at: time))
            var children: [ExplainNode] = []
            if let mode = condition.businessHours {
                let inside = week.contains(civil)
                children.append(ExplainNode(label: "\(mode.rawValue) business hours (\(week)); event is \(inside ? "inside" : "outside")",
                                            result: (mode == .inside) == inside))
            }
            if let days = condition.weekdays {
                children.append(ExplainNode(label: "weekday in \(days.sorted()); event weekday \(civil.isoWeekday)", result: days.contains(civil.isoWeekday)))
            }
            if !condition.hours.isEmpty {
                let ok = TimeCondition.Bound(condition: TimeCondition(businessHours: nil, hours: condition.hours, weekdays: nil), zone: zone, week: week).holds(at: time)
                children.append(ExplainNode(label: "hours \(condition.hours.map { "\(TimeOfDay.format($0.start))-\(TimeOfDay.format($0.end % 86_400))" }.joined(separator: ","))", result: ok))
            }
            return ExplainNode(label: "vigil.when at local time \(local) (\(zone.identifier))", result: holds(at: time), children: children)
        }
    }
}
