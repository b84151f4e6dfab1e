import VigilEvents

/// How one person wants to be reached: rules by urgency, business hours and quiet hours.
public struct NotificationPreferences: Sendable, Hashable, Codable {
    /// Rules for urgencies that have at least one; other urgencies use `standardRules`.
    public var rules: [NotificationRule]
    /// Read in the person's zone; `business_hours` rules wait for it.
    public var businessHours: TimeWindow
    public var quietHours: QuietHours?

    public init(rules: [NotificationRule] = [], businessHours: TimeWindow = .officeHours, quietHours: QuietHours? = nil) {
        self.rules = rules
        self.businessHours = businessHours
        self.quietHours = quietHours
    }

    /// Critical: call and text at once, plus every written channel. High: text and written.
    /// Low: written channels, during business hours.
    public static let standard = NotificationPreferences()

    public static let standardRules: [NotificationRule] = [
        NotificationRule(urgencies: [.critical], channels: [.voice, .sms, .email, .telegram, .slack, .webhook]),
        NotificationRule(urgencies: [.high], channels: [.sms, .email, .telegram, .slack, .webhook]),
        NotificationRule(urgencies: [.low], channels: [.email, .telegram, .slack, .webhook], when: .businessHours),
    ]

    /// The rules that apply to `urgency`: the person's own, or the standard ones when none mention it.
    public func rules(for urgency: PagingUrgency) -> [NotificationRule] {
        let own = rules.filter { $0.urgencies.contains(urgency) }
        return own.isEmpty ? Self.standardRules.filter { $0.urgencies.contains(urgency) } : own
    }
}

/// "For these urgencies, use these channels, after this delay, at these times."
public struct NotificationRule: Sendable, Hashable, Codable {
    public enum Timing: String, Sendable, Hashable, Codable {
        case always
        case businessHours = "business_hours"
        case outsideBusinessHours = "outside_business_hours"
    }

    public var urgencies: Set<PagingUrgency>
    /// Contact kinds; each uses the person's first contact of that kind.
    public var channels: [ContactKind]
    /// Wait this long after the step pages before using these channels (skipped once acknowledged).
    public var delay: TimeSpan
    public var when: Timing

    public init(urgencies: Set<PagingUrgency>, channels: [ContactKind], delay: TimeSpan = .zero, when: Timing = .always) {
        self.urgencies = urgencies
        self.channels = channels
        self.delay = delay
        self.when = when
    }
}

/// Hours in which only some urgencies may reach the person; others wait until the hours end.
public struct QuietHours: Sendable, Hashable, Codable {
    public var window: TimeWindow
    public var allow: Set<PagingUrgency>

    public init(window: TimeWindow, allow: Set<PagingUrgency> = [.critical]) {
        self.window = window
        self.allow = allow
    }
}

extension TimeWindow {
    /// Monday to Friday, 08:00–18:00.
    public static let officeHours = TimeWindow(
        days: [.monday, .tuesday, .wednesday, .thursday, .friday], from: TimeOfDay(hour: 8), to: TimeOfDay(hour: 18))
}
