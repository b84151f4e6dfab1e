import ArgumentParser
import Foundation
import Logging
import PostgresNIO
import VigilEvents
import VigilOnCall
import VigilStore

/// `vigil oncall`: apply the on-call file to the database, ask who is on call, manage overrides, find coverage gaps.
/// Once applied, the database is the source of truth; every command except `check` reads it.
struct OnCallCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "oncall",
        abstract: "On-call: apply the configuration, who is on call, overrides, coverage gaps.",
        subcommands: [Apply.self, Check.self, Who.self, Override.self, Gaps.self]
    )

    /// Options for instants typed on the command line.
    struct TimeOptions: ParsableArguments {
        @Option(name: .long, help: "Zone for times given as 'YYYY-MM-DD HH:MM' and for times printed (IANA name; default $TZ or UTC).")
        var zone: String?

        func rules() throws -> ZoneRules {
            let name = zone ?? ProcessInfo.processInfo.environment["TZ"].flatMap { $0.isEmpty ? nil : $0 } ?? "UTC"
            guard let rules = ZoneRules(identifier: name) else { throw ValidationError("unknown time zone '\(name)'") }
            return rules
        }

        /// RFC 3339 (`2026-12-24T22:30:00+01:00`) or `YYYY-MM-DD HH:MM` in the zone; nil means now.
        func instant(_ text: String?, option: String) throws -> Timestamp {
            guard let text else { return SystemClock().now }
            guard let instant = InstantParser.parse(text, zone: try rules()) else {
                throw ValidationError("\(option) '\(text)' is neither RFC 3339 nor 'YYYY-MM-DD HH:MM'")
            }
            return instant
        }
    }

    /// Opens the database named by `--config` and checks the schema.
    static func withDatabase<T: Sendable>(_ options: StoreCommandOptions, _ body: @Sendable (PostgresClient, Logger) async throws -> T) async throws -> T {
        let config = try options.loadConfig()
        let logger = options.logger
        return try await DatabaseSession.run(config, logger: logger) { client, _ in
            try await Migrator(logger: logger).verify(client)
            return try await body(client, logger)
        }
    }

    /// The stored configuration, or a clear message that none was applied.
    static func stored(_ options: StoreCommandOptions) async throws -> StoredOnCallConfig {
        let stored = try await withDatabase(options) { client, logger in try await OnCallConfigStore(client: client, logger: logger).load() }
        guard let stored else { throw ValidationError("no on-call configuration in the database yet; run `vigil oncall apply FILE`") }
        return stored
    }

    static var defaultActor: String {
        let env = ProcessInfo.processInfo.environment
        return env["SUDO_USER"] ?? env["USER"] ?? env["LOGNAME"] ?? "unknown"
    }

    /// Loads and validates an on-call file; problems go to stderr as `path:line:col: message`, exit status 1.
    static func load(_ path: String) throws -> (OnCallConfig, [UInt8]) {
        guard let data = FileManager.default.contents(atPath: path) else {
            FileHandle.standardError.write(Data("\(path):1:1: cannot read the file\n".utf8))
            throw ExitCode(1)
        }
        do {
            return (try OnCallConfigLoader.load(contentsOf: path), Array(data))
        } catch {
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            FileHandle.standardError.write(Data("\(error.diagnostics.count) problem(s); nothing was applied\n".utf8))
            throw ExitCode(1)
        }
    }

    // MARK: apply

    struct Apply: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate an on-call file, show the diff against the database, and write it in one transaction (audited).",
            discussion: "Overrides added with `vigil oncall override add` stay in force. Errors are printed as path:line:col: message (exit status 1).")

        @OptionGroup var options: StoreCommandOptions

        @Argument(help: "The on-call file (YAML), e.g. deploy/oncall.yml.")
        var file: String

        @Flag(name: .long, help: "Show what would change; write nothing.")
        var dryRun = false

        @Option(name: .long, help: "Who applies it, for the configuration audit (default: $SUDO_USER or $USER).")
        var by: String?

        func run() async throws {
            let (config, bytes) = try OnCallCommand.load(file)
            let source = OnCallConfigStore.Source(path: file, bytes: bytes)
            let actor = by ?? OnCallCommand.defaultActor
            let dryRun = self.dryRun
            let report: OnCallConfigStore.ApplyReport
            do {
                report = try await OnCallCommand.withDatabase(options) { client, logger in
                    try await OnCallConfigStore(client: client, logger: logger).apply(config, source: source, actor: actor, dryRun: dryRun)
                }
            } catch let error as OnCallStoreError {
                FileHandle.standardError.write(Data("vigil oncall apply: \(error.message)\nnothing was applied\n".utf8))
                throw ExitCode(1)
            }
            if report.changes.isEmpty {
                print("\(file): no changes (the database already has this configuration)")
                return
            }
            for change in report.changes { print(change.description) }
            let counts = [OnCallConfigChange.Action.created, .changed, .removed].map { a in report.changes.filter { $0.action == a }.count }
            print("\(counts[0]) to create, \(counts[1]) to change, \(counts[2]) to remove"
                  + (report.keptOverrides.isEmpty ? "" : "; \(report.keptOverrides.count) command-line override(s) stay"))
            if report.applied {
                print("applied as revision \(report.revision ?? 0) by \(actor); running daemons reload it now")
            } else {
                print("dry run: nothing was written")
            }
        }
    }

    // MARK: check

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Validate an on-call file without a database (for CI).")

        @Argument(help: "The on-call file (YAML).")
        var file: String

        func run() async throws {
            let (config, _) = try OnCallCommand.load(file)
            print("\(file): valid — \(config.people.count) people, \(config.rotations.count) rotations, \(config.schedules.count) schedules, "
                  + "\(config.policies.count) policies, \(config.customers.count) customers, \(config.routes.count) routes")
        }
    }

    // MARK: who

    struct Who: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Who is on call: every schedule, or whom a customer's or a policy's escalation pages.",
            discussion: "Reads the configuration from the database. --at takes RFC 3339 or 'YYYY-MM-DD HH:MM' in --zone.")

        @OptionGroup var options: StoreCommandOptions
        @OptionGroup var time: TimeOptions

        @Option(name: .long, help: "A customer id: its service manager and the steps of the policies its incidents follow.")
        var customer: String?

        @Option(name: .long, help: "A policy id: whom each step pages.")
        var policy: String?

        @Option(name: .long, help: "The moment to ask about (default: now).")
        var at: String?

        func validate() throws {
            if customer != nil, policy != nil { throw ValidationError("give --customer or --policy, not both") }
        }

        func run() async throws {
            let instant = try time.instant(at, option: "--at")
            let stored = try await OnCallCommand.stored(options)
            let report = OnCallReport(config: stored.config, zone: try time.rules())
            if let customer {
                print(report.customer(CustomerID(customer), at: instant))
            } else if let policy {
                guard let p = stored.config.policy(policy) else {
                    throw ValidationError("unknown policy '\(policy)' (known: \(stored.config.policies.map(\.id).joined(separator: ", ")))")
                }
                print(report.policy(p, at: instant))
            } else {
                print(report.everyone(at: instant))
            }
        }
    }

    // MARK: override

    struct Override: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add, list or remove schedule overrides (kept across applies; conflicting ones are refused).",
            subcommands: [Add.self, List.self, Remove.self])

        struct Add: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Put a person on call (or in someone's place with --replace) between two times.",
                discussion: "Times are RFC 3339 or 'YYYY-MM-DD HH:MM' in --zone. An override that overlaps another one concerning the same person is refused.")

            @OptionGroup var options: StoreCommandOptions
            @OptionGroup var time: TimeOptions

            @Option(name: .long, help: "The schedule.") var schedule: String
            @Option(name: .long, help: "The person who is on call.") var user: String
            @Option(name: .long, help: "From (inclusive).") var from: String
            @Option(name: .long, help: "To (exclusive).") var to: String
            @Option(name: .long, help: "The person replaced (if on call then); without it the person is added.") var replace: String?
            @Option(name: .long, help: "Why, and who asked.") var note: String?
            @Option(name: .long, help: "Who adds it, for the audit (default: $SUDO_USER or $USER).") var by: String?

            func run() async throws {
                let start = try time.instant(from, option: "--from"), end = try time.instant(to, option: "--to")
                guard end > start else { throw ValidationError("--to must be after --from") }
                let override = ScheduleOverride(kind: replace.map { .replace(replaced: $0) } ?? .add, person: user, from: start, to: end, note: note)
                let actor = by ?? OnCallCommand.defaultActor
                let schedule = self.schedule
                do {
                    let added = try await OnCallCommand.withDatabase(options) { client, logger in
                        try await OnCallConfigStore(client: client, logger: logger).addOverride(schedule: schedule, override, actor: actor)
                    }
                    let zone = try time.rules()
                    print("override #\(added.id) on \(schedule): \(replace.map { "\(user) replaces \($0)" } ?? "\(user) added") "
                          + "from \(InstantParser.format(start, zone: zone)) to \(InstantParser.format(end, zone: zone)) (by \(actor))")
                } catch let error as OnCallStoreError {
                    FileHandle.standardError.write(Data("vigil oncall override add: \(error.message)\n".utf8))
                    throw ExitCode(1)
                }
            }
        }

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List overrides that have not ended (with --all, every one).")

            @OptionGroup var options: StoreCommandOptions
            @OptionGroup var time: TimeOptions
            @Flag(name: .long, help: "Include overrides that have ended.") var all = false

            func run() async throws {
                let stored = try await OnCallCommand.stored(options)
                let zone = try time.rules()
                let now = SystemClock().now
                let rows = stored.overrides.filter { all || $0.override.to > now }.map { o -> [String] in
                    let what: String = switch o.override.kind {
                    case .add: "add \(o.override.person)"
                    case .remove: "remove \(o.override.person)"
                    case .replace(let replaced): "\(o.override.person) replaces \(replaced)"
                    }
                    return ["#\(o.id)", o.schedule, what, InstantParser.format(o.override.from, zone: zone), InstantParser.format(o.override.to, zone: zone),
                            o.source == .cli ? "command line (\(o.createdBy))" : "file", o.override.note ?? ""]
                }
                if rows.isEmpty { print("no overrides"); return }
                print(IncidentsCommand.table(["ID", "SCHEDULE", "OVERRIDE", "FROM", "TO", "SOURCE", "NOTE"], rows), terminator: "")
            }
        }

        struct Remove: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Remove a command-line override by number (see `override list`).")

            @OptionGroup var options: StoreCommandOptions
            @Argument(help: "The override's number.") var id: Int64
            @Option(name: .long, help: "Who removes it, for the audit.") var by: String?

            func run() async throws {
                let actor = by ?? OnCallCommand.defaultActor
                let id = self.id
                do {
                    let removed = try await OnCallCommand.withDatabase(options) { client, logger in
                        try await OnCallConfigStore(client: client, logger: logger).removeOverride(id: id, actor: actor)
                    }
                    print("override #\(removed.id) on \(removed.schedule) removed (by \(actor))")
                } catch let error as OnCallStoreError {
                    FileHandle.standardError.write(Data("vigil oncall override remove: \(error.message)\n".utf8))
                    throw ExitCode(1)
                }
            }
        }
    }

    // MARK: gaps

    struct Gaps: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List every period in which a policy step resolves to nobody.",
            discussion: "Exact (every shift boundary, rule window edge and override edge is evaluated), DST included.")

        @OptionGroup var options: StoreCommandOptions
        @OptionGroup var time: TimeOptions

        @Option(name: .long, help: "How many days ahead to look.") var days: Int = 14
        @Option(name: .long, help: "Start (default: now).") var from: String?
        @Option(name: .long, help: "Only this policy.") var policy: String?
        @Flag(name: .long, help: "Exit with status 3 when there is a gap (for monitoring).") var failOnGaps = false

        func run() async throws {
            guard days > 0, days <= 366 else { throw ValidationError("--days must be 1 to 366") }
            let start = try time.instant(from, option: "--from")
            let end = start + .days(Int64(days))
            let stored = try await OnCallCommand.stored(options)
            let resolver = OnCallResolver(config: stored.config)
            let gaps: [CoverageGap]
            if let policy {
                guard let p = stored.config.policy(policy) else { throw ValidationError("unknown policy '\(policy)'") }
                gaps = resolver.gaps(policy: p, from: start, to: end)
            } else {
                gaps = resolver.gaps(from: start, to: end)
            }
            print(OnCallReport(config: stored.config, zone: try time.rules()).gaps(gaps, from: start, to: end))
            if failOnGaps, !gaps.isEmpty { throw ExitCode(3) }
        }
    }
}
