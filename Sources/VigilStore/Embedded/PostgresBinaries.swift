import Foundation

/// Where the PostgreSQL server programs live.
public struct PostgresBinaries: Sendable, Hashable {
    public var directory: String

    public init(directory: String) {
        self.directory = directory
    }

    public var initdb: String { directory + "/initdb" }
    public var pgCtl: String { directory + "/pg_ctl" }
    public var postgres: String { directory + "/postgres" }

    static let required = ["initdb", "pg_ctl", "postgres"]

    /// True when `directory` holds initdb, pg_ctl and postgres.
    public static func isComplete(_ directory: String) -> Bool {
        required.allSatisfy { FileManager.default.isExecutableFile(atPath: directory + "/" + $0) }
    }

    /// Searches PATH, then `/usr/lib/postgresql/<version>/bin` (highest version first).
    public static func locate(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        versionRoot: String = "/usr/lib/postgresql"
    ) throws(EmbeddedPostgresError) -> PostgresBinaries {
        let path = environment["PATH"] ?? ""
        for directory in path.split(separator: ":").map(String.init) where !directory.isEmpty && isComplete(directory) {
            return PostgresBinaries(directory: directory)
        }
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: versionRoot)) ?? [])
            .compactMap { name -> (Double, String)? in Double(name).map { ($0, name) } }
            .sorted { $0.0 > $1.0 }
        for (_, name) in versions {
            let directory = "\(versionRoot)/\(name)/bin"
            if isComplete(directory) { return PostgresBinaries(directory: directory) }
        }
        throw EmbeddedPostgresError(
            code: .binariesNotFound,
            message: """
            PostgreSQL is not installed: initdb, pg_ctl and postgres were found neither on PATH nor in \(versionRoot)/*/bin.
            Install the server with:
                \(EmbeddedPostgresError.installCommand)
            (as root, or with sudo), or set `database:` in the configuration to an existing PostgreSQL server.
            """
        )
    }
}
