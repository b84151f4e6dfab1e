/// A Sigma rule level, lowest to highest.
public enum Level: String, Sendable, Hashable, Comparable, CaseIterable, Codable {
    case informational
    case low
    case medium
    case high
    case critical

    public static func < (lhs: Level, rhs: Level) -> Bool { lhs.rank < rhs.rank }

    public var rank: Int {
        switch self {
        case .informational: 0
        case .low: 1
        case .medium: 2
        case .high: 3
        case .critical: 4
        }
    }

    /// One step up, saturating at critical.
    public var raised: Level { Level.allCases[min(rank + 1, 4)] }
}

/// Impact or urgency on the ITIL three-point scale.
public enum Grade: String, Sendable, Hashable, Comparable, CaseIterable, Codable {
    case low
    case medium
    case high

    public static func < (lhs: Grade, rhs: Grade) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
