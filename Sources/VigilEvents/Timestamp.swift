/// An instant, as nanoseconds since the Unix epoch (UTC).
public struct Timestamp: Sendable, Hashable, Comparable, Codable {
    public var nanoseconds: Int64

    @inlinable
    public init(nanoseconds: Int64) {
        self.nanoseconds = nanoseconds
    }

    @inlinable
    public init(seconds: Int64, nanoseconds: Int64 = 0) {
        self.nanoseconds = seconds &* 1_000_000_000 &+ nanoseconds
    }

    public static let epoch = Timestamp(nanoseconds: 0)

    /// Whole seconds since the epoch, rounded towards negative infinity.
    @inlinable
    public var seconds: Int64 {
        nanoseconds >= 0 ? nanoseconds / 1_000_000_000 : (nanoseconds - 999_999_999) / 1_000_000_000
    }

    /// Nanoseconds within the second, 0..<1_000_000_000.
    @inlinable
    public var subsecondNanoseconds: Int64 { nanoseconds - seconds * 1_000_000_000 }

    @inlinable
    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool { lhs.nanoseconds < rhs.nanoseconds }

    @inlinable
    public static func + (lhs: Timestamp, rhs: TimeSpan) -> Timestamp {
        Timestamp(nanoseconds: lhs.nanoseconds &+ rhs.nanoseconds)
    }

    @inlinable
    public static func - (lhs: Timestamp, rhs: TimeSpan) -> Timestamp {
        Timestamp(nanoseconds: lhs.nanoseconds &- rhs.nanoseconds)
    }

    @inlinable
    public static func - (lhs: Timestamp, rhs: Timestamp) -> TimeSpan {
        TimeSpan(nanoseconds: lhs.nanoseconds &- rhs.nanoseconds)
    }

    public init(from decoder: any Decoder) throws {
        self.nanoseconds = try decoder.singleValueContainer().decode(Int64.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(nanoseconds)
    }
}

/// A signed duration in nanoseconds.
public struct TimeSpan: Sendable, Hashable, Comparable, Codable {
    public var nanoseconds: Int64

    @inlinable
    public init(nanoseconds: Int64) { self.nanoseconds = nanoseconds }

    public static let zero = TimeSpan(nanoseconds: 0)

    @inlinable public static func nanoseconds(_ n: Int64) -> TimeSpan { TimeSpan(nanoseconds: n) }
    @inlinable public static func milliseconds(_ n: Int64) -> TimeSpan { TimeSpan(nanoseconds: n * 1_000_000) }
    @inlinable public static func seconds(_ n: Int64) -> TimeSpan { TimeSpan(nanoseconds: n * 1_000_000_000) }
    @inlinable public static func minutes(_ n: Int64) -> TimeSpan { .seconds(n * 60) }
    @inlinable public static func hours(_ n: Int64) -> TimeSpan { .seconds(n * 3600) }
    @inlinable public static func days(_ n: Int64) -> TimeSpan { .seconds(n * 86400) }

    @inlinable public var seconds: Double { Double(nanoseconds) / 1e9 }

    @inlinable
    public static func < (lhs: TimeSpan, rhs: TimeSpan) -> Bool { lhs.nanoseconds < rhs.nanoseconds }
    @inlinable
    public static func + (lhs: TimeSpan, rhs: TimeSpan) -> TimeSpan { TimeSpan(nanoseconds: lhs.nanoseconds + rhs.nanoseconds) }
    @inlinable
    public static func * (lhs: TimeSpan, rhs: Int64) -> TimeSpan { TimeSpan(nanoseconds: lhs.nanoseconds * rhs) }

    /// Parses `30s`, `5m`, `2h`, `1d`, `1w`, `250ms` (Sigma timespan syntax plus ms and w).
    public init?(parsing text: some StringProtocol) {
        let units: [(String, Int64)] = [("ms", 1_000_000), ("s", 1_000_000_000), ("m", 60_000_000_000),
                                        ("h", 3_600_000_000_000), ("d", 86_400_000_000_000), ("w", 604_800_000_000_000)]
        let trimmed = text.trimmingASCIISpaces()
        for (suffix, scale) in units where trimmed.hasSuffix(suffix) {
            let number = trimmed.dropLast(suffix.count)
            guard !number.isEmpty, let value = Int64(number), value >= 0 else { continue }
            self.init(nanoseconds: value * scale)
            return
        }
        return nil
    }

    public init(from decoder: any Decoder) throws {
        self.nanoseconds = try decoder.singleValueContainer().decode(Int64.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(nanoseconds)
    }
}

extension TimeSpan: CustomStringConvertible {
    /// The shortest exact form: `90s` → `90s`, `3600s` → `1h`.
    public var description: String {
        let units: [(String, Int64)] = [("w", 604_800_000_000_000), ("d", 86_400_000_000_000), ("h", 3_600_000_000_000),
                                        ("m", 60_000_000_000), ("s", 1_000_000_000), ("ms", 1_000_000)]
        for (suffix, scale) in units where nanoseconds != 0 && nanoseconds % scale == 0 {
            return "\(nanoseconds / scale)\(suffix)"
        }
        return "\(nanoseconds)ns"
    }
}

extension StringProtocol {
    func trimmingASCIISpaces() -> Substring {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" { s.removeLast() }
        return s
    }
}
