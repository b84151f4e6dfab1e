import Synchronization

/// What `/readyz` reports: listeners bound, and the database reachable (or the spool taking over).
public final class Readiness: Sendable {
    public enum Database: String, Sendable {
        case notConfigured = "not_configured"
        case connecting
        case reachable
        /// Unreachable, but hits are safe in the local spool.
        case spooling
        case unreachable
    }

    private struct State {
        var listenersBound = false
        var database = Database.notConfigured
        var stopping = false
        /// SIGHUP is trapped: a reload request from now on is not lost.
        var reloadArmed = false
    }

    private let state = Mutex(State())
    /// Overrides the stored database state once set (the incident sink knows when it is spooling).
    private let databaseProbe = Mutex<(@Sendable () -> Database?)?>(nil)

    public func setDatabaseProbe(_ probe: @escaping @Sendable () -> Database?) { databaseProbe.withLock { $0 = probe } }

    public init() {}

    public func setListenersBound(_ bound: Bool) { state.withLock { $0.listenersBound = bound } }
    public func setDatabase(_ database: Database) { state.withLock { $0.database = database } }
    public func setStopping() { state.withLock { $0.stopping = true } }
    public func setReloadArmed() { state.withLock { $0.reloadArmed = true } }

    /// Ready, and a short explanation either way.
    public var status: (ready: Bool, detail: String) {
        let probed = databaseProbe.withLock { $0 }?()
        return state.withLock { s in
            var s = s
            if let probed, s.database != .notConfigured, s.database != .connecting { s.database = probed }
            let databaseOK = [.notConfigured, .reachable, .spooling].contains(s.database)
            let ready = s.listenersBound && databaseOK && !s.stopping && s.reloadArmed
            let detail = "listeners=\(s.listenersBound ? "bound" : "not_bound") database=\(s.database.rawValue)"
                + (s.stopping ? " stopping" : "")
            return (ready, detail)
        }
    }
}
