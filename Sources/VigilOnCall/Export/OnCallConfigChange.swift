import VigilEvents

/// One object that an apply creates, changes or removes, for the diff and the configuration audit.
public struct OnCallConfigChange: Sendable, Hashable, CustomStringConvertible {
    public enum Action: String, Sendable, Hashable {
        case created, changed, removed
    }

    /// `person`, `channel`, `rotation`, `schedule`, `policy`, `customer`, `route` or `settings`.
    public var objectType: String
    public var objectID: String
    public var action: Action
    /// The customer the object belongs to (customer entries), for the audit's row-level security.
    public var customer: CustomerID?
    /// What changed, one `path: old → new` per line (for created and removed objects: nothing).
    public var details: [String]
    public var before: JSONValue?
    public var after: JSONValue?

    public init(objectType: String, objectID: String, action: Action, customer: CustomerID? = nil, details: [String] = [],
                before: JSONValue? = nil, after: JSONValue? = nil) {
        self.objectType = objectType
        self.objectID = objectID
        self.action = action
        self.customer = customer
        self.details = details
        self.before = before
        self.after = after
    }

    /// `+ person uwe`, `- rotation r1`, `~ policy standard` followed by indented detail lines.
    public var description: String {
        let sign = switch action {
        case .created: "+"
        case .changed: "~"
        case .removed: "-"
        }
        return (["\(sign) \(objectType) \(objectID)"] + details.map { "    " + $0 }).joined(separator: "\n")
    }

    /// The audit row's detail: the action's before and after values and the changed paths.
    public var auditDetail: JSONValue {
        var o: [String: JSONValue] = [:]
        if let before { o["before"] = before }
        if let after { o["after"] = after }
        if !details.isEmpty { o["changes"] = .array(details.map(JSONValue.string)) }
        return .object(o)
    }
}
