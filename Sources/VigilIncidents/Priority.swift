import VigilDetection

/// ITIL priority, P1 (critical) to P5 (planned), from the impact × urgency matrix.
public enum Priority: Int, Sendable, Hashable, Comparable, CaseIterable, Codable, CustomStringConvertible {
    case p1 = 1
    case p2 = 2
    case p3 = 3
    case p4 = 4
    case p5 = 5

    /// The matrix from domain.md: high/high is P1, low/low is P5, each step down in either grade adds one.
    public init(impact: Grade, urgency: Grade) {
        let steps = (2 - impact.index) + (2 - urgency.index)
        self = Priority(rawValue: 1 + steps)!
    }

    /// `P1` … `P5`, as stored in the database.
    public init?(label: some StringProtocol) {
        guard label.count == 2, label.first == "P" || label.first == "p", let n = Int(label.dropFirst()),
              let p = Priority(rawValue: n)
        else { return nil }
        self = p
    }

    public var label: String { "P\(rawValue)" }
    public var description: String { label }

    /// The plain meaning: critical, high, medium, low, planned.
    public var meaning: String {
        switch self {
        case .p1: "critical"
        case .p2: "high"
        case .p3: "medium"
        case .p4: "low"
        case .p5: "planned"
        }
    }

    /// Lower raw value is more urgent, so P1 > P2 in this ordering ("higher priority").
    public static func < (lhs: Priority, rhs: Priority) -> Bool { lhs.rawValue > rhs.rawValue }
}

extension Grade {
    /// low 0, medium 1, high 2.
    var index: Int {
        switch self {
        case .low: 0
        case .medium: 1
        case .high: 2
        }
    }
}
