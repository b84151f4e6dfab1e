/// An error from the store with a code, in the style of postgres-nio's PSQLError.
public struct StoreError: Error, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable {
        /// No incident with that id (or not visible to the role).
        case notFound
        /// The schema is missing or older than this binary; `vigil migrate` fixes it.
        case schemaNotMigrated
        /// The sink was shut down; no more hits are accepted.
        case shutDown
        /// The spool file could not be read or written.
        case spoolIO
        /// A customer record is invalid (bad time zone, bad SLA override).
        case invalidCustomer
        /// A value read from the database was not understood.
        case unexpectedValue
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
