import VigilEvents

/// A duty rotation: participants take turns in shifts of a fixed length from a first hand-off.
public struct Rotation: Sendable, Hashable, Codable {
    public var id: String
    public var name: String
    /// IANA zone in which hand-off times are read (`Europe/Berlin`).
    public var timeZone: String
    public var shift: ShiftLength
    /// The first hand-off, as local wall-clock time in `timeZone`. Nobody is on call before it.
    public var start: CivilDateTime
    /// Person ids in turn order; a person may appear more than once.
    public var participants: [String]

    public init(id: String, name: String? = nil, timeZone: String, shift: ShiftLength, start: CivilDateTime, participants: [String]) {
        self.id = id
        self.name = name ?? id
        self.timeZone = timeZone
        self.shift = shift
        self.start = start
        self.participants = participants
    }

    private enum CodingKeys: String, CodingKey { case id, name, timeZone, shift, start, participants }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let text = try c.decode(String.self, forKey: .start)
        guard let start = OnCallConfigParser.parseCivil(text) else {
            throw DecodingError.dataCorruptedError(forKey: .start, in: c, debugDescription: "not a local date-time: \(text)")
        }
        self.init(id: try c.decode(String.self, forKey: .id), name: try c.decode(String.self, forKey: .name),
                  timeZone: try c.decode(String.self, forKey: .timeZone), shift: try c.decode(ShiftLength.self, forKey: .shift),
                  start: start, participants: try c.decode([String].self, forKey: .participants))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(name, forKey: .name)
        try c.encode(timeZone, forKey: .timeZone)
        try c.encode(shift, forKey: .shift)
        try c.encode(Self.localText(start), forKey: .start)
        try c.encode(participants, forKey: .participants)
    }

    /// `2026-01-05T09:00:00`.
    static func localText(_ c: CivilDateTime) -> String {
        func pad(_ v: Int, _ w: Int) -> String { String(repeating: "0", count: max(0, w - String(v).count)) + String(v) }
        return "\(pad(c.year, 4))-\(pad(c.month, 2))-\(pad(c.day, 2))T\(pad(c.hour, 2)):\(pad(c.minute, 2)):\(pad(c.second, 2))"
    }
}

/// How long one shift lasts.
///
/// `hours` and `custom` shifts are elapsed time (a 12h shift is twelve real hours even across a DST
/// change, so the local hand-off moves by an hour). `days`, `weeks` and `months` are calendar
/// lengths: hand-offs stay at the same local time, and the shift that spans a DST change is an
/// hour shorter or longer.
public enum ShiftLength: Sendable, Hashable, Codable, CustomStringConvertible {
    case hours(Int)
    case days(Int)
    case weeks(Int)
    case months(Int)
    /// Elapsed length such as `36h` or `90m`.
    case custom(TimeSpan)

    public var description: String {
        switch self {
        case .hours(let n): "\(n) hour" + (n == 1 ? "" : "s")
        case .days(let n): "\(n) day" + (n == 1 ? "" : "s")
        case .weeks(let n): "\(n) week" + (n == 1 ? "" : "s")
        case .months(let n): "\(n) month" + (n == 1 ? "" : "s")
        case .custom(let span): span.description
        }
    }

    /// A rough length, for estimating which shift holds an instant.
    var nominal: TimeSpan {
        switch self {
        case .hours(let n): .hours(Int64(n))
        case .days(let n): .days(Int64(n))
        case .weeks(let n): .days(Int64(7 * n))
        case .months(let n): .days(Int64(30 * n))
        case .custom(let span): span
        }
    }
}
