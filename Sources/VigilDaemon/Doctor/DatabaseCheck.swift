import Foundation
import NIOSSL
import PostgresNIO
import VigilStore

/// The database is reachable and migrated. An embedded cluster that is not running is not started (unless
/// `--start-embedded`): Vigil starts it and migrates at start.
struct DatabaseCheck: DoctorCheck {
    let name = "database"

    func run(_ context: DoctorContext) async -> [DoctorFinding] {
        guard let settings = context.configuration.database else {
            return [.ok(name, "database: none — detection only, incidents are not stored")]
        }
        switch settings.source {
        case .embedded(let embedded): return await embeddedFindings(embedded, context)
        case .server(let server): return await serverFindings(server, settings: settings, context)
        }
    }

    private func embeddedFindings(_ embedded: DatabaseSettings.Embedded, _ context: DoctorContext) async -> [DoctorFinding] {
        let probes = context.probes
        let state = context.configuration.stateDirectory
        var findings: [DoctorFinding] = []
        var binaries: String?
        switch probes.postgresBinaries() {
        case .success(let found): binaries = found.directory
        case .failure:
            findings.append(.fail(name, "database embedded: the PostgreSQL server programs (initdb, pg_ctl, postgres) are not installed",
                                  fix: "install them: \(EmbeddedPostgresError.installCommand) (or set database: to an existing server)"))
        }
        if probes.unprivilegedAccountExists("postgres") == false {
            findings.append(.fail(name, "database embedded: running as root needs a 'postgres' account to run PostgreSQL as, and there is none",
                                  fix: "\(EmbeddedPostgresError.installCommand) creates it, or run Vigil as an unprivileged user"))
        }
        let found = binaries.map { " (PostgreSQL in \($0))" } ?? ""
        let cluster = state + "/postgres"
        switch probes.embeddedServer(stateDirectory: state) {
        case .running(let port, let socketDirectory):
            let configuration = PostgresConnection.Configuration(unixSocketPath: "\(socketDirectory)/.s.PGSQL.\(port)", username: "vigil",
                                                                 password: nil, database: "vigil")
            findings += await migrationFindings(where: "embedded cluster in \(cluster) (running, port \(port))", appliedAtStart: true, context) {
                try await probes.migrationStatus(configuration, timeout: context.options.databaseTimeout)
            }
        case let other where context.options.startEmbedded && binaries != nil:
            let what = other == .absent ? "embedded cluster in \(cluster) (created and started by doctor)" : "embedded cluster in \(cluster) (started by doctor)"
            findings += await migrationFindings(where: what, appliedAtStart: true, context) {
                try await probes.migrationStatusStartingEmbedded(stateDirectory: state, port: embedded.port)
            }
        case .absent:
            findings.append(.ok(name, "database embedded: no cluster in \(cluster) yet; Vigil creates it on first start and applies the migrations\(found)"))
        case .stopped:
            findings.append(.ok(name, "database embedded: cluster in \(cluster) not running (Vigil starts it); migrations will be applied at start\(found)"))
        }
        return findings
    }

    private func serverFindings(_ server: DatabaseSettings.Server, settings: DatabaseSettings, _ context: DoctorContext) async -> [DoctorFinding] {
        let password: String?
        do {
            password = try server.resolvePassword(environment: context.probes.environment)
        } catch {
            return [.fail(name, "database \(settings.description): \(error.message)", fix: "make the password available to Vigil")]
        }
        let configuration: PostgresConnection.Configuration
        if let socket = server.unixSocketPath {
            configuration = .init(unixSocketPath: socket, username: server.user, password: password, database: server.database)
        } else {
            var tls = TLSConfiguration.makeClientConfiguration()
            if let ca = server.caFile { tls.trustRoots = .file(ca) }
            let mode: PostgresConnection.Configuration.TLS
            do {
                switch server.tls {
                case .disable: mode = .disable
                case .prefer: mode = .prefer(try NIOSSLContext(configuration: tls))
                case .require: mode = .require(try NIOSSLContext(configuration: tls))
                }
            } catch {
                return [.fail(name, "database \(settings.description): cannot set up TLS: \(error)", fix: "check ca_file")]
            }
            configuration = .init(host: server.host, port: server.port, username: server.user, password: password, database: server.database, tls: mode)
        }
        return await migrationFindings(where: settings.description, appliedAtStart: true, context, redacting: password) {
            try await context.probes.migrationStatus(configuration, timeout: context.options.databaseTimeout)
        }
    }

    private func migrationFindings(where place: String, appliedAtStart: Bool, _ context: DoctorContext, redacting password: String? = nil,
                                   _ status: () async throws -> Migrator.Status) async -> [DoctorFinding] {
        do {
            return Self.evaluate(try await status(), where: place, configPath: context.configuration.path, appliedAtStart: appliedAtStart)
        } catch {
            var reason = Self.describe(error)
            if let password, !password.isEmpty { reason = reason.replacingOccurrences(of: password, with: "<redacted>") }
            return [.fail(name, "database \(place): cannot connect: \(reason)",
                          fix: "check that PostgreSQL is running there and that user, password and database in database: are right")]
        }
    }

    /// Compares the applied migrations with the ones embedded in this binary; pure.
    static func evaluate(_ status: Migrator.Status, where place: String, configPath: String, appliedAtStart: Bool,
                         latest: Int = MigrationCatalog.latestVersion) -> [DoctorFinding] {
        let check = "database"
        if !status.unknown.isEmpty {
            let version = status.applied.map(\.version).max() ?? 0
            return [.fail(check, "database \(place): schema version \(version) is newer than this Vigil (\(latest)); unknown migrations "
                          + status.unknown.map { "\($0.version) \($0.name)" }.joined(separator: ", "),
                          fix: "upgrade Vigil to the version that migrated it (or point database: elsewhere)")]
        }
        var findings: [DoctorFinding] = []
        for changed in status.changed {
            findings.append(.warn(check, "database \(place): migration \(changed.version) \(changed.name) was edited after it was applied",
                                  fix: "compare the schema with a fresh database; migrations must not change once released"))
        }
        if status.pending.isEmpty {
            findings.append(.ok(check, "database \(place): reachable, schema at version \(latest) (current)"))
        } else {
            let names = status.pending.map(\.description).joined(separator: ", ")
            let fix = "run `vigil migrate --config \(configPath)`" + (appliedAtStart ? " (Vigil also applies them at start)" : "")
            findings.append(.warn(check, "database \(place): reachable, \(status.pending.count) migration\(status.pending.count == 1 ? "" : "s") pending (\(names))",
                                  fix: fix))
        }
        return findings
    }

    /// A short reason: the server's message for PostgreSQL errors, never the connection settings.
    static func describe(_ error: any Error) -> String {
        if let psql = error as? PSQLError {
            if let message = psql.serverInfo?[.message] { return message }
            if let underlying = psql.underlying { return "\(psql.code): \(underlying)" }
            return "\(psql.code)"
        }
        return "\(error)"
    }
}
