import Foundation
import Logging
import PostgresNIO
import VigilStore

/// The real probes: the file system, sockets, PostgreSQL.
public struct SystemProbes: DoctorProbes {
    public let environment: [String: String]

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
    }

    public func pathStatus(_ path: String) -> PathStatus {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return .missing }
        if isDirectory.boolValue {
            return PathStatus(exists: true, isDirectory: true, readable: access(path, R_OK | X_OK) == 0, writable: access(path, W_OK | X_OK) == 0)
        }
        return PathStatus(exists: true, readable: access(path, R_OK) == 0, writable: access(path, W_OK) == 0)
    }

    public func bind(address: String, port: Int) -> BindResult { TCPProbe.bind(address: address, port: port) }

    public func isVigil(httpAddress: String, port: Int) async -> Bool {
        TCPProbe.answersLikeVigil(address: httpAddress, port: port)
    }

    public func embeddedServer(stateDirectory: String) -> EmbeddedServerState {
        let data = stateDirectory + "/postgres/data"
        guard FileManager.default.fileExists(atPath: data + "/PG_VERSION") else { return .absent }
        guard let text = try? String(contentsOfFile: data + "/postmaster.pid", encoding: .utf8) else { return .stopped }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard lines.count >= 5, let pid = Int32(lines[0]), let port = Int(lines[3]), pid > 0 else { return .stopped }
        guard kill(pid, 0) == 0 || errno == EPERM else { return .stopped }
        // A pid reused after a crash is not the server: its working directory must be the data directory.
        if let cwd = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/cwd"),
           URL(fileURLWithPath: cwd).resolvingSymlinksInPath().path != URL(fileURLWithPath: data).resolvingSymlinksInPath().path {
            return .stopped
        }
        return .running(port: port, socketDirectory: lines[4].isEmpty ? stateDirectory + "/postgres/socket" : lines[4])
    }

    public func postgresBinaries() -> Result<PostgresBinaries, EmbeddedPostgresError> {
        Result { () throws(EmbeddedPostgresError) in try PostgresBinaries.locate(environment: environment) }
    }

    public func unprivilegedAccountExists(_ name: String) -> Bool? {
        guard geteuid() == 0 else { return nil }
        return getpwnam(name) != nil
    }

    public func migrationStatus(_ configuration: PostgresConnection.Configuration, timeout: Duration) async throws -> Migrator.Status {
        let logger = Self.quietLogger
        var configuration = configuration
        configuration.options.connectTimeout = .nanoseconds(Int64(timeout.components.seconds) * 1_000_000_000
                                                             + timeout.components.attoseconds / 1_000_000_000)
        let connection = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: logger)
        do {
            let status = try await Migrator(logger: logger).status(connection)
            try? await connection.close()
            return status
        } catch {
            try? await connection.close()
            throw error
        }
    }

    public func migrationStatusStartingEmbedded(stateDirectory: String, port: Int?) async throws -> Migrator.Status {
        let embedded = EmbeddedPostgres(configuration: .init(stateDirectory: stateDirectory, port: port), logger: Self.quietLogger)
        do {
            let endpoint = try await embedded.start()
            let status = try await migrationStatus(
                .init(unixSocketPath: endpoint.socketPath, username: endpoint.username, password: nil, database: endpoint.database),
                timeout: .seconds(10))
            try await embedded.stop()
            return status
        } catch {
            try? await embedded.stop()
            throw error
        }
    }

    static var quietLogger: Logger {
        var logger = Logger(label: "vigil.doctor")
        logger.logLevel = .critical
        return logger
    }
}
