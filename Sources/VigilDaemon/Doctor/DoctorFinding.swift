import Foundation

/// One line of `vigil doctor`: what was checked, how it went, and what to do about it.
public struct DoctorFinding: Sendable, Hashable {
    public enum Status: String, Sendable, Hashable, Comparable, CaseIterable {
        case ok, warn, fail

        public static func < (lhs: Status, rhs: Status) -> Bool { lhs.rank < rhs.rank }
        private var rank: Int { self == .ok ? 0 : self == .warn ? 1 : 2 }

        /// `ok    `, `WARN  `, `FAIL  `: the fixed-width label that starts a text line.
        var label: String {
            switch self {
            case .ok: "ok    "
            case .warn: "WARN  "
            case .fail: "FAIL  "
            }
        }
    }

    /// The check that produced it: config, files, ports, tls, database, rules, oncall.
    public var check: String
    public var status: Status
    /// What was found, naming the thing (file, listener, customer) it is about.
    public var message: String
    /// What to do; nil when there is nothing to do.
    public var fix: String?

    public init(check: String, status: Status, message: String, fix: String? = nil) {
        self.check = check
        self.status = status
        self.message = message
        self.fix = fix
    }

    public static func ok(_ check: String, _ message: String) -> DoctorFinding { .init(check: check, status: .ok, message: message) }
    public static func warn(_ check: String, _ message: String, fix: String? = nil) -> DoctorFinding {
        .init(check: check, status: .warn, message: message, fix: fix)
    }
    public static func fail(_ check: String, _ message: String, fix: String? = nil) -> DoctorFinding {
        .init(check: check, status: .fail, message: message, fix: fix)
    }

    /// `FAIL  listener x 127.0.0.1:5514: port in use — stop it or pick another port`.
    public var line: String { status.label + message + (fix.map { " — \($0)" } ?? "") }

    /// `{"check":…,"status":…,"message":…,"fix":…}` (fix is null when there is nothing to do).
    public var json: String {
        var object: [String: Any] = ["check": check, "status": status.rawValue, "message": message]
        object["fix"] = fix ?? NSNull()
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
