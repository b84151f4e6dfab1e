import VigilEvents

/// Resolution targets by priority; a customer's contract may override any of them.
///
/// A nil target means "scheduled": no fixed deadline (P5 by default).
public struct SLAPolicy: Sendable, Hashable {
    public static let defaultTargets: [Priority: TimeSpan?] = [
        .p1: .hours(1), .p2: .hours(8), .p3: .hours(24), .p4: .hours(48), .p5: nil,
    ]

    /// The customer's overrides; a key with a nil value makes that priority "scheduled".
    public var overrides: [Priority: TimeSpan?]

    public init(overrides: [Priority: TimeSpan?] = [:]) {
        self.overrides = overrides
    }

    public static let standard = SLAPolicy()

    /// The resolution target for `priority`, nil when scheduled.
    public func target(for priority: Priority) -> TimeSpan? {
        if let override = overrides[priority] { return override }
        return SLAPolicy.defaultTargets[priority] ?? nil
    }

    /// When an incident registered at `start` must be resolved, nil when scheduled.
    public func due(from start: Timestamp, priority: Priority) -> Timestamp? {
        target(for: priority).map { start + $0 }
    }
}

extension SLAPolicy {
    /// Parses overrides such as `["P1": "30m", "P5": "none"]`; `none`/`scheduled`/empty mean no deadline.
    public init(parsing text: [String: String]) throws(SLAPolicyError) {
        var overrides: [Priority: TimeSpan?] = [:]
        for (key, value) in text {
            guard let priority = Priority(label: key) else { throw SLAPolicyError(code: .unknownPriority, text: key) }
            switch value.lowercased() {
            case "", "none", "scheduled":
                overrides[priority] = .some(nil)
            default:
                guard let span = TimeSpan(parsing: value), span > .zero else {
                    throw SLAPolicyError(code: .badDuration, text: value)
                }
                overrides[priority] = span
            }
        }
        self.init(overrides: overrides)
    }

    /// The overrides in the form `init(parsing:)` reads, for storage.
    public var textOverrides: [String: String] {
        var out: [String: String] = [:]
        for (priority, span) in overrides {
            out[priority.label] = span.map { $0.description } ?? "scheduled"
        }
        return out
    }
}

/// A malformed SLA override.
public struct SLAPolicyError: Error, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable {
        case unknownPriority
        case badDuration
    }

    public var code: Code
    public var text: String

    public var description: String {
        switch code {
        case .unknownPriority: "unknown priority '\(text)' (expected P1 to P5)"
        case .badDuration: "bad SLA target '\(text)' (expected a duration such as 30m, 8h, 2d, or 'scheduled')"
        }
    }
}
