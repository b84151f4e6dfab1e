import VigilDetection
import VigilEvents

/// One kind of check `vigil doctor` runs; it reports at least one finding.
public protocol DoctorCheck: Sendable {
    /// The `check` of its findings: files, ports, tls, database, rules, oncall.
    var name: String { get }
    func run(_ context: DoctorContext) async -> [DoctorFinding]
}

/// What every check sees: the loaded configuration, the options, the probes and the clock.
public struct DoctorContext: Sendable {
    public var configuration: VigilConfiguration
    public var options: DoctorOptions
    public var probes: any DoctorProbes
    public var clock: any WallClock
    /// The rule tree, loaded once the way the daemon loads it.
    public var rules: Result<RuleSet, RuleLoadFailure>

    public init(configuration: VigilConfiguration, options: DoctorOptions, probes: any DoctorProbes, clock: any WallClock,
                rules: Result<RuleSet, RuleLoadFailure>? = nil) {
        self.configuration = configuration
        self.options = options
        self.probes = probes
        self.clock = clock
        self.rules = rules ?? Result { () throws(RuleLoadFailure) in try RuleLoader.load(root: configuration.rulesDirectory) }
    }
}
