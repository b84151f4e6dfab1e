import ArgumentParser
import Foundation
import VigilDaemon
import VigilDetection
import VigilEvents
import VigilIngest

/// `vigil doctor`: checks a configuration end to end and prints what to fix.
struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check a configuration end to end: files, ports, certificates, database, rules, on-call coverage.",
        discussion: """
            One line per check: ok, WARN or FAIL, what was found and (after —) what to do. Exit status 0 when nothing \
            failed (warnings allowed), 1 otherwise. Nothing is started or changed, except with --start-embedded. \
            See docs/doctor.md.
            """
    )

    @Option(name: .long, help: "The configuration file (YAML).")
    var config: String = "deploy/vigil.yml"

    @Flag(name: .long, help: "One JSON object per line and check: check, status (ok|warn|fail), message, fix.")
    var json = false

    @Option(name: .long, help: "Warn about certificates that expire within this many days.")
    var certWarnDays = 30

    @Option(name: .long, help: "How many days ahead somebody must be on call.")
    var days = 14

    @Flag(name: .long, help: "Start a stopped embedded PostgreSQL to check its schema (stopped again afterwards).")
    var startEmbedded = false

    @Flag(name: .long, help: "Do not run the rule fixtures.")
    var skipFixtures = false

    func validate() throws {
        guard (1...366).contains(days) else { throw ValidationError("--days must be 1 to 366") }
        guard certWarnDays >= 0 else { throw ValidationError("--cert-warn-days must not be negative") }
    }

    func run() async throws {
        var options = DoctorOptions(certificateWarningDays: certWarnDays, onCallDays: days, startEmbedded: startEmbedded)
        if !skipFixtures { options.fixtures = { rules in DoctorCommand.runFixtures(rules: rules) } }
        let report = await Doctor.run(configPath: config, options: options)
        print(json ? report.jsonLines : report.text)
        if !json { print("doctor: \(report.summary)") }
        if report.failed { throw ExitCode(1) }
    }

    /// Runs the rule fixtures as `vigil rules test` does; returns what failed.
    static func runFixtures(rules: String) -> FixtureSummary {
        let set: RuleSet
        let fixtures: [FixtureCase]
        do {
            set = try RuleLoader.load(root: rules, options: RuleLoadOptions(defaultCustomer: RuleLoadOptions.evalCustomer))
            fixtures = try FixtureRunner.discover(root: rules, ruleSet: set)
        } catch {
            return FixtureSummary(total: 0, errors: error.errors.map(\.description))
        }
        var extractors = ExtractorSet.empty
        if FileManager.default.fileExists(atPath: rules + "/extractors") {
            do { extractors = try ExtractorSet.load(directory: rules + "/extractors") } catch {
                return FixtureSummary(total: fixtures.count, errors: [error.description])
            }
        }
        var failed: [String] = []
        for fixture in fixtures {
            let decoder = SyslogLineDecoder(extractors: extractors, receivedTime: fixture.received ?? fixture.until ?? .epoch,
                                            timeZone: set.playbooks[fixture.customer ?? RuleLoadOptions.evalCustomer]?.timeZone ?? .utc)
            if !FixtureRunner.run(fixture, ruleSet: set, logDecoder: decoder.decode).passed {
                failed.append("\(fixture.rulePath) [\(fixture.name)]")
            }
        }
        return FixtureSummary(total: fixtures.count, failed: failed)
    }
}
