import VigilEvents
import VigilIngest

/// `vigil doctor`: loads a configuration and checks it end to end: files, ports, certificates, database, rules, on-call.
public enum Doctor {
    /// The checks, in the order they are reported.
    public static let checks: [any DoctorCheck] = [
        FilesCheck(), PortsCheck(), CertificatesCheck(), DatabaseCheck(), RulesCheck(), OnCallCheck(),
    ]

    /// Loads `configPath` (a file that does not load is reported, error by error, and nothing else is checked), then runs every check.
    public static func run(configPath: String, options: DoctorOptions = DoctorOptions(), probes: any DoctorProbes = SystemProbes(),
                           clock: any WallClock = SystemClock()) async -> DoctorReport {
        let configuration: VigilConfiguration
        do {
            configuration = try VigilConfiguration.load(path: configPath)
        } catch {
            return DoctorReport(findings: error.errors.map {
                .fail("config", $0.line > 0 ? "\($0.file):\($0.line):\($0.column): \($0.message)" : "\($0.file): \($0.message)",
                      fix: $0.code == .unreadable ? "give the configuration file with --config FILE" : nil)
            })
        }
        return await run(configuration, options: options, probes: probes, clock: clock)
    }

    /// Checks a configuration that is already loaded.
    public static func run(_ configuration: VigilConfiguration, options: DoctorOptions = DoctorOptions(),
                           probes: any DoctorProbes = SystemProbes(), clock: any WallClock = SystemClock()) async -> DoctorReport {
        let database = configuration.database.map(\.description) ?? "none"
        var report = DoctorReport(findings: [
            .ok("config", "config: \(configuration.path) loaded (\(configuration.listeners.count) listener\(configuration.listeners.count == 1 ? "" : "s"), database \(database))"),
        ])
        let context = DoctorContext(configuration: configuration, options: options, probes: probes, clock: clock)
        for check in checks {
            report.findings += await check.run(context)
        }
        return report
    }
}
