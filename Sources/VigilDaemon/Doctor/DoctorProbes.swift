import PostgresNIO
import VigilStore

/// The side effects `vigil doctor` needs, injected so tests can run the checks against temporary directories,
/// their own listeners and their own PostgreSQL (``SystemProbes`` is the real thing).
public protocol DoctorProbes: Sendable {
    /// Whether a path exists, and what this process may do with it.
    func pathStatus(_ path: String) -> PathStatus
    /// Tries to bind (and listen on) a TCP socket for a moment.
    func bind(address: String, port: Int) -> BindResult
    /// Whether a Vigil answers `GET /healthz` on this HTTP endpoint.
    func isVigil(httpAddress: String, port: Int) async -> Bool
    /// Whether the embedded cluster in `state_dir/postgres` exists and runs.
    func embeddedServer(stateDirectory: String) -> EmbeddedServerState
    /// Where initdb, pg_ctl and postgres are.
    func postgresBinaries() -> Result<PostgresBinaries, EmbeddedPostgresError>
    /// Whether the account PostgreSQL runs as when Vigil runs as root exists; nil when not running as root.
    func unprivilegedAccountExists(_ name: String) -> Bool?
    /// Connects once and reads the applied migrations.
    func migrationStatus(_ configuration: PostgresConnection.Configuration, timeout: Duration) async throws -> Migrator.Status
    /// Starts the embedded cluster (`--start-embedded`), reads the migrations, and stops it again.
    func migrationStatusStartingEmbedded(stateDirectory: String, port: Int?) async throws -> Migrator.Status
    /// The environment the secrets given as `env` are read from.
    var environment: [String: String] { get }
}

/// What a path is and what this process may do with it.
public struct PathStatus: Sendable, Hashable {
    public var exists: Bool
    public var isDirectory: Bool
    public var readable: Bool
    /// For a directory: files can be created in it.
    public var writable: Bool

    public init(exists: Bool, isDirectory: Bool = false, readable: Bool = false, writable: Bool = false) {
        self.exists = exists
        self.isDirectory = isDirectory
        self.readable = readable
        self.writable = writable
    }

    public static let missing = PathStatus(exists: false)
}

/// What binding a TCP port gave.
public enum BindResult: Sendable, Hashable {
    case free
    case inUse
    /// A port below 1024 without CAP_NET_BIND_SERVICE.
    case permissionDenied
    /// The address is not one of this machine's.
    case addressUnavailable
    case failed(String)
}

/// The embedded cluster as found in the state directory.
public enum EmbeddedServerState: Sendable, Hashable {
    /// No `postgres/data` yet: Vigil creates it on first start.
    case absent
    case stopped
    case running(port: Int, socketDirectory: String)
}
