import VigilEvents

/// One shift of a rotation: who, and from when to when.
public struct RotationShift: Sendable, Hashable {
    /// 0 for the first shift after the rotation's start.
    public var index: Int
    public var person: String
    public var start: Timestamp
    public var end: Timestamp
}

extension Rotation {
    /// The shift that holds `instant`, or nil before the rotation starts. Pure and DST-correct.
    public func shift(at instant: Timestamp, zone: ZoneRules) -> RotationShift? {
        guard !participants.isEmpty else { return nil }
        let first = shiftStart(0, zone: zone)
        guard instant >= first else { return nil }
        var k = Int((instant - first).nanoseconds / max(shift.nominal.nanoseconds, 1))
        while k > 0, shiftStart(k, zone: zone) > instant { k -= 1 }
        while shiftStart(k + 1, zone: zone) <= instant { k += 1 }
        return RotationShift(index: k, person: participants[k % participants.count],
                             start: shiftStart(k, zone: zone), end: shiftStart(k + 1, zone: zone))
    }

    /// Every shift overlapping `[from, to)`, in order.
    public func shifts(from: Timestamp, to: Timestamp, zone: ZoneRules) -> [RotationShift] {
        guard from < to else { return [] }
        var result: [RotationShift] = []
        var cursor = max(from, shiftStart(0, zone: zone))
        while cursor < to, let current = shift(at: cursor, zone: zone) {
            result.append(current)
            guard current.end > cursor else { break }
            cursor = current.end
        }
        return result
    }

    /// The instant shift `k` begins. Calendar shifts are placed in local time; hourly and custom in elapsed time.
    func shiftStart(_ k: Int, zone: ZoneRules) -> Timestamp {
        let base = zone.instant(for: start)
        switch shift {
        case .hours(let n):
            return base + .hours(Int64(n * k))
        case .custom(let span):
            return base + span * Int64(k)
        case .days(let n):
            return zone.instant(for: start.addingDays(n * k))
        case .weeks(let n):
            return zone.instant(for: start.addingDays(7 * n * k))
        case .months(let n):
            return zone.instant(for: start.addingMonths(n * k))
        }
    }
}

extension CivilDateTime {
    /// The same wall-clock time `days` calendar days later.
    func addingDays(_ days: Int) -> CivilDateTime {
        let (y, m, d) = CivilDateTime.civilFromDays(CivilDateTime.daysFromCivil(year: year, month: month, day: day) + days)
        return CivilDateTime(year: y, month: m, day: d, hour: hour, minute: minute, second: second, nanosecond: nanosecond)
    }

    /// The same wall-clock time `months` later; the day is clamped to the month's length (31 Jan + 1 → 28/29 Feb).
    func addingMonths(_ months: Int) -> CivilDateTime {
        let total = year * 12 + (month - 1) + months
        let y = total >= 0 ? total / 12 : (total - 11) / 12
        let m = total - y * 12 + 1
        let d = min(day, CivilDateTime.daysIn(month: m, year: y))
        return CivilDateTime(year: y, month: m, day: d, hour: hour, minute: minute, second: second, nanosecond: nanosecond)
    }

    /// Midnight of this date.
    var startOfDay: CivilDateTime { CivilDateTime(year: year, month: month, day: day) }
}
