import VigilDetection

/// `vigil doctor`'s knobs.
public struct DoctorOptions: Sendable {
    /// Warn about certificates that expire within this many days.
    public var certificateWarningDays = 30
    /// How far ahead on-call coverage must hold.
    public var onCallDays = 14
    /// Start a stopped embedded cluster to look at its schema (it is stopped again afterwards).
    public var startEmbedded = false
    /// How long to wait for a database connection.
    public var databaseTimeout: Duration = .seconds(5)
    /// Runs the rule fixtures of a rules tree (`vigil rules test`); nil skips them.
    public var fixtures: (@Sendable (_ rulesDirectory: String) -> FixtureSummary)?

    public init(certificateWarningDays: Int = 30, onCallDays: Int = 14, startEmbedded: Bool = false,
                fixtures: (@Sendable (_ rulesDirectory: String) -> FixtureSummary)? = nil) {
        self.certificateWarningDays = certificateWarningDays
        self.onCallDays = onCallDays
        self.startEmbedded = startEmbedded
        self.fixtures = fixtures
    }
}

/// What running the rule fixtures gave.
public struct FixtureSummary: Sendable, Hashable {
    public var total: Int
    /// Labels (`rule path [fixture]`) of the fixtures that failed.
    public var failed: [String]
    /// Problems that kept the fixtures from running (`path:line:col: message`).
    public var errors: [String]

    public init(total: Int, failed: [String] = [], errors: [String] = []) {
        self.total = total
        self.failed = failed
        self.errors = errors
    }
}
