import VigilEvents

/// Fields through which an event could claim a customer. The binding always wins.
public enum CustomerClaims {
    public static let fieldNames = ["customer", "customer.id", "customer.name", "tenant", "tenant.id", "organization.id",
                                    "organization.name", "vigil.customer"]

    /// Removes every claim that names another customer than `bound`; returns how many were removed.
    @discardableResult
    public static func enforce(on event: inout Event, bound: CustomerID) -> Int {
        guard !event.fields.isEmpty else { return 0 }
        var rejected = 0
        for name in fieldNames {
            guard let value = event.fields[name] else { continue }
            if value.stringValue != bound.rawValue {
                event.fields[name] = nil
                rejected += 1
            }
        }
        return rejected
    }
}
