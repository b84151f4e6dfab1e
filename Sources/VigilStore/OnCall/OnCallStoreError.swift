/// A problem reading or changing the on-call data in PostgreSQL, with a code (postgres-nio's PSQLError style).
public struct OnCallStoreError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable {
        /// No on-call configuration has been applied yet.
        case notConfigured
        /// A stored value could not be read back (edited by hand, or written by a newer Vigil).
        case invalidStoredValue
        /// The schedule, person or policy named does not exist.
        case unknownObject
        /// The override overlaps another one that concerns a common person.
        case overrideConflict
        /// An override is not valid by itself (ends before it starts, replaces the same person).
        case invalidOverride
        /// No command-line override has that number.
        case overrideNotFound
        /// An apply would leave command-line overrides pointing at removed schedules or people, or in conflict with the file.
        case overridesNoLongerFit
        /// The escalation changed under us too many times in a row.
        case contention
        /// The incident does not exist.
        case incidentNotFound
    }

    public var code: Code
    /// Plain words, one problem per line; never contains secrets.
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
