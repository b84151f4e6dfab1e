import VigilEvents

/// One person on call in a schedule at an instant, and why: for `vigil oncall who`.
public struct OnCallEntry: Sendable, Hashable {
    public enum Reason: Sendable, Hashable {
        /// Their shift in this rotation, until the shift ends.
        case rotation(id: String, shiftEnds: Timestamp)
        /// A schedule rule names them directly.
        case rule
        /// An override adds them, or has them stand in for `replacing`.
        case override(replacing: String?, until: Timestamp, note: String?)
    }

    public var person: String
    public var reason: Reason
}
