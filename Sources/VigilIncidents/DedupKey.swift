import VigilDetection
import VigilEvents

/// The identity of an incident: customer + rule + group-by values.
///
/// While an incident with the same key is open, new hits join it instead of opening another.
/// The canonical text is a JSON array, so no two different keys can spell the same string
/// (`["bank-nord","ssh-brute",[["source.ip","203.0.113.7"]]]`).
public struct DedupKey: Sendable, Hashable, CustomStringConvertible {
    public var customer: CustomerID
    public var ruleID: String
    public var group: [GroupValue]

    public init(customer: CustomerID, ruleID: String, group: [GroupValue]) {
        self.customer = customer
        self.ruleID = ruleID
        self.group = group
    }

    public init(hit: Hit) {
        self.init(customer: hit.customer, ruleID: hit.ruleID, group: hit.group)
    }

    /// The canonical text stored in `vigil.incidents.dedup_key`.
    public var rawValue: String {
        var w = JSONWriter(capacity: 64)
        w.raw("[")
        w.quoted(customer.rawValue)
        w.raw(",")
        w.quoted(ruleID)
        w.raw(",[")
        for (i, g) in group.enumerated() {
            if i > 0 { w.raw(",") }
            w.raw("[")
            w.quoted(g.field)
            w.raw(",")
            w.quoted(g.value)
            w.raw("]")
        }
        w.raw("]]")
        return w.string
    }

    public var description: String { rawValue }
}
