import VigilEvents

/// How `RuleLoader` builds a rule set.
public struct RuleLoadOptions: Sendable {
    /// Adds this customer with every rule enabled (UTC, Monday–Friday 08:00–18:00), as `vigil eval` does without `--customer`.
    public var defaultCustomer: CustomerID?
    /// A logsource map to use when the root is not a rules tree with its own `logsources.yml`.
    public var logsourceMapPath: String?

    public init(defaultCustomer: CustomerID? = nil, logsourceMapPath: String? = nil) {
        self.defaultCustomer = defaultCustomer
        self.logsourceMapPath = logsourceMapPath
    }

    /// The customer id `vigil eval` uses without `--customer`.
    public static let evalCustomer: CustomerID = "default"
}
