import VigilEvents

/// A recurring local-time window: on some weekdays, from one time of day to another.
///
/// A window whose `to` is not after `from` runs overnight: `22:00`–`07:00` on Friday covers
/// Friday 22:00 to Saturday 07:00 (the weekday names the day the window starts). `from == to`
/// covers the whole day. The window is read in wall-clock time, so it follows DST changes.
public struct TimeWindow: Sendable, Hashable, Codable {
    public var days: Set<Weekday>
    public var from: TimeOfDay
    public var to: TimeOfDay

    public init(days: Set<Weekday> = Set(Weekday.allCases), from: TimeOfDay = .midnight, to: TimeOfDay = .midnight) {
        self.days = days
        self.from = from
        self.to = to
    }

    /// Every day, all day.
    public static let always = TimeWindow()

    public var isAlways: Bool { days.count == 7 && from == to }

    /// `to` is not after `from`: the window ends on the next day.
    public var isOvernight: Bool { to <= from }

    /// Whether the local civil time falls inside the window.
    public func contains(_ civil: CivilDateTime) -> Bool {
        guard let day = Weekday(rawValue: civil.isoWeekday) else { return false }
        let second = civil.secondOfDay
        if from < to {
            return days.contains(day) && second >= from.secondOfDay && second < to.secondOfDay
        }
        return (days.contains(day) && second >= from.secondOfDay) || (days.contains(day.previous) && second < to.secondOfDay)
    }

    /// Whether the instant falls inside the window in `zone`.
    public func contains(_ instant: Timestamp, in zone: ZoneRules) -> Bool {
        contains(zone.civil(at: instant))
    }

    /// The local times at which the window may open or close on a day: used to find change points.
    var edges: [TimeOfDay] { [from, to].map { $0.minutes == 1440 ? .midnight : $0 } }
}

extension TimeWindow {
    /// The first instant at or after `start` that is inside (`inside: true`) or outside the window;
    /// nil when there is none within eight days.
    public func firstInstant(atOrAfter start: Timestamp, in zone: ZoneRules, inside wanted: Bool) -> Timestamp? {
        if contains(start, in: zone) == wanted { return start }
        let first = zone.civil(at: start).startOfDay
        var candidates: [Timestamp] = []
        for offset in 0...8 {
            let day = first.addingDays(offset)
            for edge in edges {
                candidates.append(zone.instant(for: CivilDateTime(year: day.year, month: day.month, day: day.day,
                                                                  hour: edge.hour, minute: edge.minute)))
            }
        }
        return candidates.filter { $0 > start }.sorted().first { contains($0, in: zone) == wanted }
    }
}
