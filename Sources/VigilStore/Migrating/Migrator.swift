import Logging
import PostgresNIO

/// Applies the embedded migrations in order, each in its own transaction under a transaction-level advisory
/// lock, so instances starting at the same moment apply each migration exactly once.
///
/// `vigil.schema_migrations` records what was applied. A database that has a version this binary does not
/// know was migrated by a newer Vigil: the migrator refuses to touch it, and `verify` refuses to run on it.
public struct Migrator: Sendable {
    /// `pg_advisory_xact_lock` key: "VIGILMIG" as a big-endian 64-bit integer.
    public static let lockKey: Int64 = 0x5649_4749_4C4D_4947

    public var migrations: [Migration]
    public var logger: Logger

    public init(migrations: [Migration] = MigrationCatalog.all, logger: Logger = Logger(label: "vigil.migrate")) {
        self.migrations = migrations.sorted { $0.version < $1.version }
        self.logger = logger
    }

    public var latestVersion: Int { migrations.last?.version ?? 0 }

    /// A migration recorded in `vigil.schema_migrations`.
    public struct Applied: Sendable, Hashable {
        public var version: Int
        public var name: String
        public var checksum: String
    }

    public struct Status: Sendable, Hashable {
        public var applied: [Applied]
        /// Known to the binary, not applied yet, in order.
        public var pending: [Migration]
        /// Applied in the database but unknown to this binary.
        public var unknown: [Applied]
        /// Applied migrations whose SQL differs from the embedded one.
        public var changed: [Applied]

        public var isCurrent: Bool { pending.isEmpty && unknown.isEmpty }
    }

    /// What is applied and what is pending, without changing anything.
    public func status(_ client: PostgresClient) async throws -> Status {
        try await client.withConnection { connection in try await status(connection) }
    }

    public func status(_ connection: PostgresConnection) async throws -> Status {
        let exists = try await connection.query("SELECT to_regclass('vigil.schema_migrations') IS NOT NULL", logger: logger)
        var tableExists = false
        for try await value in exists.decode(Bool.self) { tableExists = value }
        var applied: [Applied] = []
        if tableExists {
            let rows = try await connection.query("SELECT version, name, checksum FROM vigil.schema_migrations ORDER BY version", logger: logger)
            for try await (version, name, checksum) in rows.decode((Int, String, String).self) {
                applied.append(Applied(version: version, name: name, checksum: checksum))
            }
        }
        let known = Dictionary(uniqueKeysWithValues: migrations.map { ($0.version, $0) })
        let appliedVersions = Set(applied.map(\.version))
        return Status(
            applied: applied,
            pending: migrations.filter { !appliedVersions.contains($0.version) },
            unknown: applied.filter { known[$0.version] == nil },
            changed: applied.filter { a in known[a.version].map { m in m.checksum != a.checksum } ?? false }
        )
    }

    /// Applies every pending migration; with `dryRun`, only returns them. Returns the migrations (to be) applied.
    @discardableResult
    public func migrate(_ client: PostgresClient, dryRun: Bool = false) async throws -> [Migration] {
        let status = try await status(client)
        try refuseNewer(status)
        for changed in status.changed {
            logger.warning("migration was edited after it was applied", metadata: ["version": "\(changed.version)", "name": "\(changed.name)"])
        }
        if dryRun { return status.pending }
        var applied: [Migration] = []
        for migration in status.pending where try await apply(migration, client: client) {
            applied.append(migration)
        }
        return applied
    }

    /// Throws unless the database is exactly at this binary's version (nothing pending, nothing unknown).
    public func verify(_ client: PostgresClient) async throws {
        let status = try await status(client)
        try refuseNewer(status)
        if !status.pending.isEmpty {
            throw MigrationError(code: .schemaOutdated,
                                 message: "the database schema is behind this Vigil (pending: \(status.pending.map(\.description).joined(separator: ", "))); run `vigil migrate`")
        }
    }

    private func refuseNewer(_ status: Status) throws {
        if let newest = status.unknown.map(\.version).max() {
            throw MigrationError(
                code: .schemaNewer,
                message: "the database schema (version \(status.applied.map(\.version).max() ?? newest)) is newer than this Vigil (version \(latestVersion)): "
                    + "unknown migrations \(status.unknown.map { "\($0.version) \($0.name)" }.joined(separator: ", ")). Upgrade Vigil; refusing to run.",
                version: newest)
        }
    }

    /// Applies one migration unless another instance did meanwhile; true when this call applied it.
    private func apply(_ migration: Migration, client: PostgresClient) async throws -> Bool {
        let logger = self.logger
        let latest = latestVersion
        do {
            return try await client.withTransaction(logger: logger) { connection -> Bool in
                try await connection.query("SELECT pg_advisory_xact_lock(\(Migrator.lockKey))", logger: logger)
                try await connection.query("CREATE SCHEMA IF NOT EXISTS vigil", logger: logger)
                try await connection.query("""
                    CREATE TABLE IF NOT EXISTS vigil.schema_migrations (
                        version    integer PRIMARY KEY,
                        name       text NOT NULL,
                        checksum   text NOT NULL,
                        applied_at timestamptz NOT NULL DEFAULT now(),
                        applied_by text NOT NULL DEFAULT current_user
                    )
                    """, logger: logger)
                var newest = 0
                var done = false
                let rows = try await connection.query(
                    "SELECT coalesce(max(version), 0), bool_or(version = \(migration.version)) IS TRUE FROM vigil.schema_migrations", logger: logger)
                for try await (max, present) in rows.decode((Int, Bool).self) {
                    newest = max
                    done = present
                }
                if newest > latest {
                    throw MigrationError(code: .schemaNewer, message: "the database schema (version \(newest)) is newer than this Vigil (version \(latest)); refusing to migrate", version: newest)
                }
                if done { return false }
                for statement in SQLScript.statements(migration.sql) {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query("""
                    INSERT INTO vigil.schema_migrations (version, name, checksum) VALUES (\(migration.version), \(migration.name), \(migration.checksum))
                    """, logger: logger)
                if migration.version == 1 {
                    try await connection.query("""
                        COMMENT ON TABLE vigil.schema_migrations IS 'Applied schema migrations (embedded in the vigil binary).';
                        """, logger: logger)
                    for (column, text) in [("version", "Migration number (NNNN of NNNN_name.sql)."), ("name", "Migration name."),
                                           ("checksum", "FNV-1a 64 of the migration SQL when applied."), ("applied_at", "When it was applied."),
                                           ("applied_by", "The database role that applied it.")] {
                        try await connection.query(PostgresQuery(unsafeSQL: "COMMENT ON COLUMN vigil.schema_migrations.\(column) IS '\(text)'"), logger: logger)
                    }
                }
                logger.info("applied migration", metadata: ["migration": "\(migration)"])
                return true
            }
        } catch let error as PostgresTransactionError {
            if let inner = error.closureError as? MigrationError { throw inner }
            let cause = error.closureError ?? error.commitError ?? error.beginError
            throw MigrationError(code: .migrationFailed, message: "migration \(migration) failed and was rolled back: \(cause.map { String(reflecting: $0) } ?? "\(error)")",
                                 version: migration.version)
        }
    }
}
