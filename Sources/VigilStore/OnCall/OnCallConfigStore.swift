import Foundation
import Logging
import PostgresNIO
import VigilEvents
import VigilOnCall

/// The on-call configuration in PostgreSQL: apply a file (diff, one transaction, audit), add or remove overrides,
/// load it for paging and `vigil oncall who|gaps`. Every change bumps `oncall_settings.revision`, writes
/// `vigil.config_audit` and sends `NOTIFY vigil_oncall, 'config'` so running engines reload.
public struct OnCallConfigStore: Sendable {
    /// The channel engines listen on: `config` when the configuration changed, `wake` when paging work was added.
    public static let notifyChannel = "vigil_oncall"
    /// `pg_advisory_xact_lock` key serialising applies and override changes: "VIGILOCC".
    static let lockKey: Int64 = 0x5649_4749_4C4F_4343

    let client: PostgresClient
    let clock: any WallClock
    let logger: Logger

    public init(client: PostgresClient, clock: any WallClock = SystemClock(), logger: Logger = Logger(label: "vigil.oncall")) {
        self.client = client
        self.clock = clock
        self.logger = logger
    }

    /// What an apply did (or, with `dryRun`, would do).
    public struct ApplyReport: Sendable {
        public var changes: [OnCallConfigChange]
        /// The revision after the apply; nil for a dry run or when nothing changed.
        public var revision: Int64?
        public var applied: Bool
        /// Command-line overrides that stay in force.
        public var keptOverrides: [StoredOverride]
        /// True when nothing had been applied before.
        public var firstApply: Bool
    }

    /// The file an apply comes from, for the settings row and the audit.
    public struct Source: Sendable, Hashable {
        public var path: String
        public var sha256: String

        public init(path: String, sha256: String) {
            self.path = path
            self.sha256 = sha256
        }

        /// `path` and the SHA-256 of `bytes`.
        public init(path: String, bytes: [UInt8]) {
            self.path = path
            sha256 = ConfigFingerprint.sha256Hex(bytes)
        }
    }

    // MARK: Reading

    /// The stored configuration, or nil when none has been applied.
    public func load() async throws -> StoredOnCallConfig? {
        let logger = self.logger
        return try await client.withConnection { c in try await OnCallConfigTables.load(on: c, logger: logger) }
    }

    /// The current revision, or nil when none has been applied (cheap: engines poll it on their safety sweep).
    public func revision() async throws -> Int64? {
        var revision: Int64?
        for try await r in try await client.query("SELECT revision FROM vigil.oncall_settings", logger: logger).decode(Int64.self) { revision = r }
        return revision
    }

    // MARK: Applying

    /// Compares `config` with the stored one and, unless `dryRun`, replaces it in one transaction: every
    /// table rewritten, command-line overrides kept (they must still fit), revision bumped, each changed object
    /// audited, engines notified. `onlyIfEmpty` makes it a no-op when a configuration exists (daemon start-up).
    public func apply(_ config: OnCallConfig, source: Source, actor: String, dryRun: Bool = false,
                      onlyIfEmpty: Bool = false) async throws -> ApplyReport {
        let now = clock.now
        let logger = self.logger
        return try await transaction { c in
            try await c.query("SELECT pg_advisory_xact_lock(\(Self.lockKey))", logger: logger)
            let current = try await OnCallConfigTables.load(on: c, logger: logger)
            let kept = current?.commandLineOverrides ?? []
            if onlyIfEmpty, current != nil {
                return ApplyReport(changes: [], revision: nil, applied: false, keptOverrides: kept, firstApply: false)
            }
            try Self.checkKept(kept, fit: config)
            let changes = OnCallConfigDiff.changes(from: current?.fileConfig, to: config)
            let unchanged = current != nil && changes.isEmpty
            if dryRun || unchanged {
                return ApplyReport(changes: changes, revision: nil, applied: false, keptOverrides: kept, firstApply: current == nil)
            }
            for statement in OnCallConfigTables.clearStatements { try await c.query(statement, logger: logger) }
            try await OnCallConfigTables.insert(config, actor: actor, at: now, on: c, logger: logger)
            let revision = (current?.revision ?? 0) + 1
            try await c.query("""
                INSERT INTO vigil.oncall_settings (singleton, revision, default_policy, providers, source_file, source_sha256, applied_at, applied_by)
                VALUES (true, \(revision), \(config.defaultPolicy), \(OnCallJSON.providers(config.providers).text)::jsonb, \(source.path.postgresSafe),
                        \(source.sha256), \(now.date), \(actor.postgresSafe))
                ON CONFLICT (singleton) DO UPDATE SET revision = excluded.revision, default_policy = excluded.default_policy,
                    providers = excluded.providers, source_file = excluded.source_file, source_sha256 = excluded.source_sha256,
                    applied_at = excluded.applied_at, applied_by = excluded.applied_by
                """, logger: logger)
            for change in changes {
                try await Self.audit(c, at: now, actor: actor, type: "oncall_\(change.objectType)", id: change.objectID,
                                     action: change.action.rawValue, customer: change.customer, detail: change.auditDetail, logger: logger)
            }
            let summary = JSONValue.object([
                "file": .string(source.path), "sha256": .string(source.sha256), "revision": .int(revision),
                "created": .int(Int64(changes.filter { $0.action == .created }.count)),
                "changed": .int(Int64(changes.filter { $0.action == .changed }.count)),
                "removed": .int(Int64(changes.filter { $0.action == .removed }.count)),
            ])
            try await Self.audit(c, at: now, actor: actor, type: "oncall_config", id: source.path, action: "applied", customer: nil,
                                 detail: summary, logger: logger)
            try await c.query("SELECT pg_notify(\(Self.notifyChannel), 'config')", logger: logger)
            return ApplyReport(changes: changes, revision: revision, applied: true, keptOverrides: kept, firstApply: current == nil)
        }
    }

    /// Command-line overrides must still name existing schedules and people and must not conflict with the file's.
    static func checkKept(_ kept: [StoredOverride], fit config: OnCallConfig) throws {
        var problems: [String] = []
        for o in kept {
            let label = "override #\(o.id) on schedule '\(o.schedule)' (\(o.override.summary))"
            guard let schedule = config.schedule(o.schedule) else {
                problems.append("\(label): the schedule is no longer in the file; remove it with `vigil oncall override remove \(o.id)`")
                continue
            }
            for person in o.override.people.sorted() where config.person(person) == nil {
                problems.append("\(label): person '\(person)' is no longer in the file; remove it with `vigil oncall override remove \(o.id)`")
            }
            for other in schedule.overrides where other.conflicts(with: o.override) {
                problems.append("\(label) conflicts with the file's override \(other.summary)")
            }
        }
        if !problems.isEmpty { throw OnCallStoreError(.overridesNoLongerFit, problems.joined(separator: "\n")) }
    }

    // MARK: Overrides

    /// Adds a command-line override after checking that the schedule and people exist and nothing conflicts.
    public func addOverride(schedule: String, _ override: ScheduleOverride, actor: String) async throws -> StoredOverride {
        let now = clock.now
        let logger = self.logger
        guard override.to > override.from else { throw OnCallStoreError(.invalidOverride, "the override must end after it starts") }
        if case .replace(let replaced) = override.kind, replaced == override.person {
            throw OnCallStoreError(.invalidOverride, "a person cannot replace themselves")
        }
        return try await transaction { c in
            try await c.query("SELECT pg_advisory_xact_lock(\(Self.lockKey))", logger: logger)
            guard let stored = try await OnCallConfigTables.load(on: c, logger: logger) else {
                throw OnCallStoreError(.notConfigured, "no on-call configuration has been applied yet (vigil oncall apply FILE)")
            }
            guard stored.config.schedule(schedule) != nil else {
                let known = stored.config.schedules.map(\.id).joined(separator: ", ")
                throw OnCallStoreError(.unknownObject, "unknown schedule '\(schedule)' (known: \(known))")
            }
            for person in override.people.sorted() where stored.config.person(person) == nil {
                throw OnCallStoreError(.unknownObject, "unknown person '\(person)'")
            }
            let conflicts = stored.overrides.filter { $0.schedule == schedule && $0.override.conflicts(with: override) }
            if !conflicts.isEmpty {
                let lines = conflicts.map { "  #\($0.id) (\($0.source == .cli ? "command line" : "file")): \($0.override.summary)" }
                throw OnCallStoreError(.overrideConflict,
                                       "the override overlaps another one on '\(schedule)' that concerns the same person:\n" + lines.joined(separator: "\n"))
            }
            // Command-line overrides apply after the file's, in the order they were added (position 0, then by number).
            let id = try await OnCallConfigTables.insertOverride(override, schedule: schedule, position: 0, source: .cli, actor: actor,
                                                                 at: now, on: c, logger: logger)
            try await c.query("UPDATE vigil.oncall_settings SET revision = revision + 1", logger: logger)
            try await Self.audit(c, at: now, actor: actor, type: "oncall_override", id: "\(schedule)#\(id)", action: "override_added",
                                 customer: nil, detail: .object(["schedule": .string(schedule), "override": OnCallJSON.override(override)]),
                                 logger: logger)
            try await c.query("SELECT pg_notify(\(Self.notifyChannel), 'config')", logger: logger)
            return StoredOverride(id: id, schedule: schedule, override: override, source: .cli, createdBy: actor, createdAt: now)
        }
    }

    /// Removes a command-line override (file overrides are removed by editing the file).
    public func removeOverride(id: Int64, actor: String) async throws -> StoredOverride {
        let now = clock.now
        let logger = self.logger
        return try await transaction { c in
            try await c.query("SELECT pg_advisory_xact_lock(\(Self.lockKey))", logger: logger)
            let all = try await OnCallConfigTables.loadOverrides(on: c, logger: logger)
            guard let found = all.first(where: { $0.id == id }) else {
                throw OnCallStoreError(.overrideNotFound, "no override #\(id)")
            }
            guard found.source == .cli else {
                throw OnCallStoreError(.overrideNotFound, "override #\(id) comes from the applied file; remove it there and apply again")
            }
            try await c.query("DELETE FROM vigil.oncall_overrides WHERE id = \(id)", logger: logger)
            try await c.query("UPDATE vigil.oncall_settings SET revision = revision + 1", logger: logger)
            try await Self.audit(c, at: now, actor: actor, type: "oncall_override", id: "\(found.schedule)#\(id)", action: "override_removed",
                                 customer: nil, detail: .object(["schedule": .string(found.schedule), "override": OnCallJSON.override(found.override)]),
                                 logger: logger)
            try await c.query("SELECT pg_notify(\(Self.notifyChannel), 'config')", logger: logger)
            return found
        }
    }

    // MARK: Helpers

    static func audit(_ c: PostgresConnection, at: Timestamp, actor: String, type: String, id: String, action: String, customer: CustomerID?,
                      detail: JSONValue, logger: Logger) async throws {
        try await c.query("""
            INSERT INTO vigil.config_audit (at, actor, object_type, object_id, action, customer_id, detail)
            VALUES (\(at.date), \(actor.postgresSafe), \(type), \(id.postgresSafe), \(action), \(customer?.rawValue), \(detail.text.postgresSafe)::jsonb)
            """, logger: logger)
    }

    /// `withTransaction`, unwrapping the closure's own error.
    func transaction<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        do {
            return try await client.withTransaction(logger: logger) { c in try await body(c) }
        } catch let error as PostgresTransactionError {
            if let inner = error.closureError { throw inner }
            throw error
        }
    }
}
