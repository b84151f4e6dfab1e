import Foundation

/// A day of the week, ISO numbering (Monday = 1 … Sunday = 7).
public enum Weekday: Int, Sendable, Hashable, Comparable, CaseIterable, Codable {
    case monday = 1, tuesday, wednesday, thursday, friday, saturday, sunday

    public static func < (lhs: Weekday, rhs: Weekday) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The day before, wrapping Monday to Sunday.
    public var previous: Weekday { Weekday(rawValue: rawValue == 1 ? 7 : rawValue - 1)! }

    /// Three-letter lower-case name as used in configuration: `mon` … `sun`.
    public var shortName: String {
        ["mon", "tue", "wed", "thu", "fri", "sat", "sun"][rawValue - 1]
    }

    /// Parses `mon`, `monday`, `Mon` …
    public init?(name: String) {
        let lower = name.lowercased()
        guard lower.count >= 3, let day = Weekday.allCases.first(where: { lower.hasPrefix($0.shortName) }),
              ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"][day.rawValue - 1].hasPrefix(lower)
        else { return nil }
        self = day
    }

    /// Parses a list entry: a day (`mon`) or an inclusive range (`mon-fri`, `sat-sun`, `fri-mon`).
    public static func parseSet(_ text: String) -> Set<Weekday>? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false).map { String($0).trimmingCharacters(in: .whitespaces) }
        switch parts.count {
        case 1:
            return Weekday(name: parts[0]).map { [$0] }
        case 2:
            guard let first = Weekday(name: parts[0]), let last = Weekday(name: parts[1]) else { return nil }
            var days: Set<Weekday> = [first]
            var day = first
            while day != last {
                day = Weekday(rawValue: day.rawValue % 7 + 1)!
                days.insert(day)
            }
            return days
        default:
            return nil
        }
    }
}
