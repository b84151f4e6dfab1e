import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle

/// Vigil's own local PostgreSQL cluster, for `database: embedded` and for tests.
///
/// Layout under `<stateDirectory>/postgres`: `data/` (PGDATA), `socket/` (the Unix socket, mode 0700),
/// `postgresql.log`, `port` (the private 127.0.0.1 port chosen on first start) and `password` (the superuser's
/// password for TCP logins, mode 0600; the socket uses trust). When Vigil runs as root, initdb and the server
/// run as the unprivileged `postgres` account through `runuser`, and the cluster directory belongs to it.
///
/// `start()` attaches to a server that is already running on the data directory (another Vigil process, such as
/// `vigil serve` while the CLI runs); only the process that started the server stops it. A stale
/// `postmaster.pid` left by a crash is removed. As a `Service`, `run()` starts the cluster, waits for graceful
/// shutdown, and stops it.
public actor EmbeddedPostgres: Service {
    public struct Configuration: Sendable {
        public var stateDirectory: String
        /// The private TCP port; nil reuses the one recorded on first start, or picks a free one.
        public var port: Int?
        public var superuser: String
        public var database: String
        /// Extra `postgresql.conf` settings (tests turn fsync off).
        public var settings: [String: String]
        /// Where initdb/pg_ctl/postgres live; nil searches PATH and /usr/lib/postgresql/*/bin.
        public var binaries: PostgresBinaries?
        /// The account the server runs as when Vigil runs as root.
        public var unprivilegedUser: String
        public var startTimeoutSeconds: Int

        public init(stateDirectory: String, port: Int? = nil, superuser: String = "vigil", database: String = "vigil",
                    settings: [String: String] = [:], binaries: PostgresBinaries? = nil,
                    unprivilegedUser: String = "postgres", startTimeoutSeconds: Int = 60) {
            self.stateDirectory = stateDirectory
            self.port = port
            self.superuser = superuser
            self.database = database
            self.settings = settings
            self.binaries = binaries
            self.unprivilegedUser = unprivilegedUser
            self.startTimeoutSeconds = startTimeoutSeconds
        }
    }

    /// How to reach the running cluster.
    public struct Endpoint: Sendable, Hashable {
        public var socketDirectory: String
        public var port: Int
        public var username: String
        public var database: String
        public var passwordFile: String

        /// `<socketDirectory>/.s.PGSQL.<port>`.
        public var socketPath: String { "\(socketDirectory)/.s.PGSQL.\(port)" }

        /// A client configuration over the Unix socket.
        public func clientConfiguration(database: String? = nil) -> PostgresClient.Configuration {
            PostgresClient.Configuration(unixSocketPath: socketPath, username: username, password: nil, database: database ?? self.database)
        }

        /// The psql command line that opens this database.
        public var psqlCommand: String { "psql -h \(socketDirectory) -p \(port) -U \(username) \(database)" }
    }

    public nonisolated let configuration: Configuration
    private let logger: Logger
    private var endpoint: Endpoint?
    /// True when this process started the server (and so stops it).
    public private(set) var ownsServer = false

    public init(configuration: Configuration, logger: Logger = Logger(label: "vigil.embedded-postgres")) {
        self.configuration = configuration
        self.logger = logger
    }

    public nonisolated var clusterDirectory: String { configuration.stateDirectory + "/postgres" }
    public nonisolated var dataDirectory: String { clusterDirectory + "/data" }
    public nonisolated var socketDirectory: String { clusterDirectory + "/socket" }
    public nonisolated var logFile: String { clusterDirectory + "/postgresql.log" }
    nonisolated var portFile: String { clusterDirectory + "/port" }
    nonisolated var passwordFile: String { clusterDirectory + "/password" }

    // MARK: Service

    public func run() async throws {
        _ = try await start()
        do {
            try await gracefulShutdown()
        } catch {
            // Cancelled: stop all the same.
        }
        try await stop()
    }

    // MARK: Start

    /// Creates the cluster on first use, starts it (or attaches to the running one), creates the database.
    @discardableResult
    public func start() async throws -> Endpoint {
        if let endpoint { return endpoint }
        let binaries = try configuration.binaries ?? PostgresBinaries.locate()
        let runAs = try Self.unprivilegedAccount(configuration.unprivilegedUser)
        try prepareDirectories(runAs: runAs)
        let runner = CommandRunner(user: runAs?.name, workingDirectory: clusterDirectory, outputFile: clusterDirectory + "/command.log")

        if !FileManager.default.fileExists(atPath: dataDirectory + "/PG_VERSION") {
            try await initdb(binaries: binaries, runner: runner, runAs: runAs)
        }
        if let status = PostmasterStatus.read(dataDirectory: dataDirectory) {
            if status.isRunning(dataDirectory: dataDirectory) {
                logger.info("attached to the running embedded PostgreSQL", metadata: ["pid": "\(status.pid)", "port": "\(status.port)"])
                let attached = makeEndpoint(port: status.port, socketDirectory: status.socketDirectory)
                endpoint = attached
                try await ensureDatabase(attached)
                return attached
            }
            logger.warning("removing a stale postmaster.pid", metadata: ["pid": "\(status.pid)"])
            try? FileManager.default.removeItem(atPath: dataDirectory + "/postmaster.pid")
        }
        let port = try choosePort()
        try writeServerSettings(port: port, runAs: runAs)
        let result = try await runner.run(binaries.pgCtl, ["start", "-D", dataDirectory, "-l", logFile, "-w",
                                                           "-t", String(configuration.startTimeoutSeconds), "-s"])
        if result.status != 0 {
            // Another process may have started it at the same moment: attach if so.
            if let status = PostmasterStatus.read(dataDirectory: dataDirectory), status.isRunning(dataDirectory: dataDirectory) {
                let attached = makeEndpoint(port: status.port, socketDirectory: status.socketDirectory)
                endpoint = attached
                try await ensureDatabase(attached)
                return attached
            }
            let serverLog = (try? String(contentsOfFile: logFile, encoding: .utf8)) ?? ""
            throw EmbeddedPostgresError(code: .startFailed, message: "the embedded PostgreSQL did not start (pg_ctl exit \(result.status))",
                                        log: (result.output + "\n" + serverLog.lastLines(15)).trimmingCharacters(in: .whitespacesAndNewlines))
        }
        ownsServer = true
        let started = makeEndpoint(port: port, socketDirectory: socketDirectory)
        endpoint = started
        logger.info("embedded PostgreSQL started", metadata: ["port": "\(port)", "data": "\(dataDirectory)"])
        try await ensureDatabase(started)
        return started
    }

    /// Stops the server if this process started it; attached servers keep running.
    public func stop() async throws {
        defer { endpoint = nil }
        guard ownsServer else { return }
        ownsServer = false
        let binaries = try configuration.binaries ?? PostgresBinaries.locate()
        let runAs = try Self.unprivilegedAccount(configuration.unprivilegedUser)
        let runner = CommandRunner(user: runAs?.name, workingDirectory: clusterDirectory, outputFile: clusterDirectory + "/command.log")
        let result = try await runner.run(binaries.pgCtl, ["stop", "-D", dataDirectory, "-m", "fast", "-w", "-t", "60", "-s"])
        if result.status != 0, PostmasterStatus.read(dataDirectory: dataDirectory)?.isRunning(dataDirectory: dataDirectory) == true {
            throw EmbeddedPostgresError(code: .stopFailed, message: "pg_ctl stop failed (exit \(result.status))", log: result.output)
        }
        logger.info("embedded PostgreSQL stopped")
    }

    /// Stops the server abruptly (`immediate` mode) without giving up ownership; tests use it to simulate an outage.
    public func stopImmediately() async throws {
        let binaries = try configuration.binaries ?? PostgresBinaries.locate()
        let runAs = try Self.unprivilegedAccount(configuration.unprivilegedUser)
        let runner = CommandRunner(user: runAs?.name, workingDirectory: clusterDirectory, outputFile: clusterDirectory + "/command.log")
        _ = try await runner.run(binaries.pgCtl, ["stop", "-D", dataDirectory, "-m", "immediate", "-w", "-t", "60", "-s"])
        endpoint = nil
        ownsServer = false
    }

    /// The endpoint while running, nil otherwise.
    public var currentEndpoint: Endpoint? { endpoint }

    // MARK: Steps

    struct Account: Sendable {
        var name: String
        var uid: uid_t
        var gid: gid_t
    }

    /// The account to run PostgreSQL as: nil when not root (run as ourselves).
    static func unprivilegedAccount(_ name: String) throws(EmbeddedPostgresError) -> Account? {
        guard geteuid() == 0 else { return nil }
        guard let entry = getpwnam(name) else {
            throw EmbeddedPostgresError(
                code: .noUnprivilegedUser,
                message: "PostgreSQL refuses to run as root and there is no '\(name)' account to run it as. "
                    + "Installing the server (\(EmbeddedPostgresError.installCommand)) creates it, or run Vigil as an unprivileged user.")
        }
        return Account(name: name, uid: entry.pointee.pw_uid, gid: entry.pointee.pw_gid)
    }

    private func prepareDirectories(runAs: Account?) throws {
        let fm = FileManager.default
        do {
            try fm.createDirectory(atPath: configuration.stateDirectory, withIntermediateDirectories: true)
            try fm.createDirectory(atPath: clusterDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            try fm.createDirectory(atPath: socketDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw EmbeddedPostgresError(code: .unusableStateDirectory, message: "cannot create \(clusterDirectory): \(error.localizedDescription)")
        }
        let longest = socketDirectory + "/.s.PGSQL.65535.lock"
        guard longest.utf8.count < 108 else {
            throw EmbeddedPostgresError(code: .unusableStateDirectory,
                                        message: "the state directory path is too long for a Unix socket (\(socketDirectory)); use a shorter state_dir")
        }
        guard let runAs else { return }
        // The server account must own the cluster directory and be able to traverse the state directory.
        for path in [clusterDirectory, socketDirectory] where chown(path, runAs.uid, runAs.gid) != 0 {
            throw EmbeddedPostgresError(code: .unusableStateDirectory, message: "cannot give \(path) to \(runAs.name): errno \(errno)")
        }
        if FileManager.default.fileExists(atPath: dataDirectory) {
            _ = chown(dataDirectory, runAs.uid, runAs.gid)
        }
        var state = stat()
        if stat(configuration.stateDirectory, &state) == 0, state.st_mode & 0o001 == 0 {
            _ = chmod(configuration.stateDirectory, (state.st_mode & 0o7777) | 0o001)
        }
        var ancestor = URL(fileURLWithPath: configuration.stateDirectory).deletingLastPathComponent()
        while ancestor.path != "/" {
            if stat(ancestor.path, &state) == 0, state.st_mode & 0o001 == 0, state.st_uid != runAs.uid {
                throw EmbeddedPostgresError(code: .unusableStateDirectory,
                                            message: "\(ancestor.path) is not searchable by \(runAs.name); the embedded cluster cannot live below it (chmod o+x, or choose another state_dir)")
            }
            ancestor.deleteLastPathComponent()
        }
    }

    private func initdb(binaries: PostgresBinaries, runner: CommandRunner, runAs: Account?) async throws {
        let password = Self.randomPassword()
        let pwfile = clusterDirectory + "/initdb.pw"
        FileManager.default.createFile(atPath: pwfile, contents: Data((password + "\n").utf8), attributes: [.posixPermissions: 0o600])
        if let runAs { _ = chown(pwfile, runAs.uid, runAs.gid) }
        defer { try? FileManager.default.removeItem(atPath: pwfile) }
        // A half-made data directory from an interrupted initdb would make initdb refuse; start over.
        if FileManager.default.fileExists(atPath: dataDirectory) {
            try? FileManager.default.removeItem(atPath: dataDirectory)
        }
        logger.info("creating the embedded PostgreSQL cluster", metadata: ["data": "\(dataDirectory)"])
        let result = try await runner.run(binaries.initdb, [
            "-D", dataDirectory, "-U", configuration.superuser, "--pwfile", pwfile,
            "--auth-local=trust", "--auth-host=scram-sha-256", "--encoding=UTF8", "--locale=C",
        ])
        guard result.status == 0 else {
            throw EmbeddedPostgresError(code: .initdbFailed, message: "initdb failed (exit \(result.status))", log: result.output.lastLines(20))
        }
        FileManager.default.createFile(atPath: passwordFile, contents: Data((password + "\n").utf8), attributes: [.posixPermissions: 0o600])
        let conf = dataDirectory + "/postgresql.conf"
        let include = "\n# Vigil's settings (port, sockets, tuning) are rewritten on every start.\ninclude_if_exists = 'vigil.conf'\n"
        guard let handle = FileHandle(forWritingAtPath: conf) else {
            throw EmbeddedPostgresError(code: .initdbFailed, message: "cannot open \(conf)")
        }
        handle.seekToEndOfFile()
        handle.write(Data(include.utf8))
        try? handle.close()
    }

    private func choosePort() throws -> Int {
        if let port = configuration.port { return port }
        if let text = try? String(contentsOfFile: portFile, encoding: .utf8), let port = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)),
           Self.isFree(port: port) {
            return port
        }
        let port = try Self.freePort()
        try? Data("\(port)\n".utf8).write(to: URL(fileURLWithPath: portFile))
        return port
    }

    private func writeServerSettings(port: Int, runAs: Account?) throws {
        func quoted(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "''") + "'" }
        var lines = [
            "listen_addresses = '127.0.0.1'",
            "port = \(port)",
            "unix_socket_directories = \(quoted(socketDirectory))",
            "unix_socket_permissions = 0700",
            "logging_collector = off",
            // Fewer checkpoints (and full-page writes) under a steady stream of hits; durability is unchanged.
            "max_wal_size = '2GB'",
            "checkpoint_timeout = '15min'",
            // JIT needs writable+executable memory, which the systemd unit's MemoryDenyWriteExecute forbids.
            "jit = off",
        ]
        for (key, value) in configuration.settings.sorted(by: { $0.key < $1.key }) {
            lines.append("\(key) = \(quoted(value))")
        }
        let path = dataDirectory + "/vigil.conf"
        FileManager.default.createFile(atPath: path, contents: Data((lines.joined(separator: "\n") + "\n").utf8), attributes: [.posixPermissions: 0o600])
        if let runAs { _ = chown(path, runAs.uid, runAs.gid) }
    }

    private func makeEndpoint(port: Int, socketDirectory: String) -> Endpoint {
        Endpoint(socketDirectory: socketDirectory.isEmpty ? self.socketDirectory : socketDirectory, port: port,
                 username: configuration.superuser, database: configuration.database, passwordFile: passwordFile)
    }

    /// Creates the configured database when it does not exist yet.
    private func ensureDatabase(_ endpoint: Endpoint) async throws {
        let connection: PostgresConnection
        do {
            connection = try await PostgresConnection.connect(
                configuration: .init(unixSocketPath: endpoint.socketPath, username: endpoint.username, password: nil, database: "postgres"),
                id: 1, logger: logger)
        } catch {
            throw EmbeddedPostgresError(code: .createDatabaseFailed, message: "cannot connect to the embedded PostgreSQL at \(endpoint.socketPath): \(String(reflecting: error))")
        }
        do {
            let rows = try await connection.query("SELECT 1 FROM pg_database WHERE datname = \(endpoint.database)", logger: logger)
            var exists = false
            for try await _ in rows { exists = true }
            if !exists {
                let name = endpoint.database.replacingOccurrences(of: "\"", with: "\"\"")
                do {
                    try await connection.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \"\(name)\" ENCODING 'UTF8' TEMPLATE template0"), logger: logger)
                } catch let error as PSQLError where error.serverInfo?[.sqlState] == "42P04" {
                    // Created concurrently by another process.
                }
            }
            try? await connection.close()
        } catch {
            try? await connection.close()
            throw EmbeddedPostgresError(code: .createDatabaseFailed, message: "cannot create database \(endpoint.database): \(String(reflecting: error))")
        }
    }

    // MARK: Helpers

    static func randomPassword() -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        var rng = SystemRandomNumberGenerator()
        return String((0..<32).map { _ in alphabet[Int(rng.next(upperBound: UInt64(alphabet.count)))] })
    }

    /// A TCP port on 127.0.0.1 that is free right now.
    public static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw EmbeddedPostgresError(code: .startFailed, message: "socket() failed: errno \(errno)") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { throw EmbeddedPostgresError(code: .startFailed, message: "bind() failed: errno \(errno)") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    static func isFree(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var reuse: Int32 = 1
        _ = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
    }
}
