/// Why the embedded cluster could not be set up, started or stopped.
public struct EmbeddedPostgresError: Error, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable {
        /// initdb, pg_ctl or postgres were not found.
        case binariesNotFound
        /// Running as root without an unprivileged account to run PostgreSQL as.
        case noUnprivilegedUser
        case initdbFailed
        case startFailed
        case stopFailed
        case createDatabaseFailed
        /// The state directory cannot hold the cluster (permissions, path too long for a Unix socket).
        case unusableStateDirectory
    }

    public var code: Code
    public var message: String
    /// The tail of the command's or the server's log, when there is one.
    public var log: String

    public init(code: Code, message: String, log: String = "") {
        self.code = code
        self.message = message
        self.log = log
    }

    public static let installCommand = "apt-get install -y postgresql"

    public var description: String {
        log.isEmpty ? message : "\(message)\n--- log ---\n\(log)"
    }
}
