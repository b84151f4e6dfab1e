/// How a CEF extension key maps to an ECS field, besides being kept as `cef.ext.<key>`.
struct CEFFieldMapping: Sendable {
    enum Kind: Sendable {
        /// The value as a string.
        case string
        /// An integer; skipped when the value is not one.
        case int
        /// Lower-cased (protocol names).
        case lowercased
        /// `event.outcome`: success, failure or unknown.
        case outcome
    }

    var field: String
    var kind: Kind

    /// ArcSight keys with an ECS counterpart. `suser`/`duser` also feed `user.name` (see `CEFParser`).
    static let table: [String: CEFFieldMapping] = [
        "src": .init(field: "source.ip", kind: .string),
        "spt": .init(field: "source.port", kind: .int),
        "shost": .init(field: "source.domain", kind: .string),
        "smac": .init(field: "source.mac", kind: .string),
        "suser": .init(field: "source.user.name", kind: .string),
        "suid": .init(field: "source.user.id", kind: .string),
        "dst": .init(field: "destination.ip", kind: .string),
        "dpt": .init(field: "destination.port", kind: .int),
        "dhost": .init(field: "destination.domain", kind: .string),
        "dmac": .init(field: "destination.mac", kind: .string),
        "duser": .init(field: "destination.user.name", kind: .string),
        "duid": .init(field: "destination.user.id", kind: .string),
        "act": .init(field: "event.action", kind: .string),
        "outcome": .init(field: "event.outcome", kind: .outcome),
        "reason": .init(field: "event.reason", kind: .string),
        "externalId": .init(field: "event.id", kind: .string),
        "proto": .init(field: "network.transport", kind: .lowercased),
        "app": .init(field: "network.protocol", kind: .lowercased),
        "in": .init(field: "source.bytes", kind: .int),
        "out": .init(field: "destination.bytes", kind: .int),
        "request": .init(field: "url.original", kind: .string),
        "requestMethod": .init(field: "http.request.method", kind: .string),
        "requestClientApplication": .init(field: "user_agent.original", kind: .string),
        "fname": .init(field: "file.name", kind: .string),
        "filePath": .init(field: "file.path", kind: .string),
        "fsize": .init(field: "file.size", kind: .int),
        "dvc": .init(field: "observer.ip", kind: .string),
        "dvchost": .init(field: "observer.hostname", kind: .string),
    ]

    /// Normalises outcome spellings to ECS `success` / `failure` / `unknown`.
    static func outcome(_ text: String) -> String {
        switch text.lowercased() {
        case "success", "succeeded", "successful", "succeed", "ok", "allowed", "allow", "true", "pass", "passed":
            return "success"
        case "failure", "failed", "fail", "denied", "deny", "blocked", "block", "rejected", "reject", "error", "false":
            return "failure"
        default:
            return "unknown"
        }
    }
}
