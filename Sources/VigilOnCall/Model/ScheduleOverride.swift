import VigilEvents

/// A temporary change to a schedule between two instants.
public struct ScheduleOverride: Sendable, Hashable, Codable {
    public enum Kind: Sendable, Hashable, Codable {
        /// `person` is on call as well.
        case add
        /// `person` is not on call.
        case remove
        /// `person` takes over from `replaced`, if `replaced` would be on call.
        case replace(replaced: String)
    }

    public var kind: Kind
    public var person: String
    public var from: Timestamp
    public var to: Timestamp
    /// Why, and who asked: shown by `vigil oncall who`.
    public var note: String?

    public init(kind: Kind, person: String, from: Timestamp, to: Timestamp, note: String? = nil) {
        self.kind = kind
        self.person = person
        self.from = from
        self.to = to
        self.note = note
    }

    public func isActive(at instant: Timestamp) -> Bool { from <= instant && instant < to }

    /// Everyone the override mentions.
    public var people: Set<String> {
        if case .replace(let replaced) = kind { return [person, replaced] }
        return [person]
    }

    /// Two overrides conflict when their periods overlap and they mention a common person.
    public func conflicts(with other: ScheduleOverride) -> Bool {
        from < other.to && other.from < to && !people.isDisjoint(with: other.people)
    }
}

extension ScheduleOverride {
    /// `uwe replaces petra, 2027-01-04T07:00:00Z – 2027-01-08T17:00:00Z (Petra at a conference)`, for messages.
    public var summary: String {
        let what: String = switch kind {
        case .add: "\(person) added"
        case .remove: "\(person) removed"
        case .replace(let replaced): "\(person) replaces \(replaced)"
        }
        return "\(what), \(from.rfc3339) – \(to.rfc3339)" + (note.map { " (\($0))" } ?? "")
    }
}
