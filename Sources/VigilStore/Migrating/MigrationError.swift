/// Why the schema cannot be brought up to date.
public struct MigrationError: Error, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable {
        /// The database has migrations this binary does not know: a newer Vigil migrated it.
        case schemaNewer
        /// The schema is older than this binary and migrations were not run.
        case schemaOutdated
        /// A migration's SQL failed; it was rolled back.
        case migrationFailed
    }

    public var code: Code
    public var message: String
    public var version: Int?

    public init(code: Code, message: String, version: Int? = nil) {
        self.code = code
        self.message = message
        self.version = version
    }

    public var description: String { message }
}
