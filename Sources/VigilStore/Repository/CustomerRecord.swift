import Foundation
import VigilEvents
import VigilIncidents

/// A customer as the playbooks describe it, for ``IncidentRepository/syncCustomers(_:actor:)``.
public struct CustomerRecord: Sendable, Hashable {
    public var id: CustomerID
    public var name: String
    /// An IANA time zone such as `Europe/Berlin`, or `UTC`.
    public var timeZone: String
    /// Business hours as written in the playbook (free text or JSON).
    public var businessHours: String
    /// Resolution targets overriding the defaults, e.g. `["P1": "30m", "P5": "scheduled"]`.
    public var slaOverrides: [String: String]

    public init(id: CustomerID, name: String? = nil, timeZone: String = "UTC", businessHours: String = "", slaOverrides: [String: String] = [:]) {
        self.id = id
        self.name = name ?? id.rawValue
        self.timeZone = timeZone
        self.businessHours = businessHours
        self.slaOverrides = slaOverrides
    }

    /// The customer's SLA policy; throws when an override is malformed.
    public func slaPolicy() throws(SLAPolicyError) -> SLAPolicy {
        try SLAPolicy(parsing: slaOverrides)
    }

    /// The SLA policies of customers, for ``IncidentSink/setSLAPolicies(_:)``; throws on a malformed override.
    public static func slaPolicies(_ customers: [CustomerRecord]) throws(SLAPolicyError) -> [CustomerID: SLAPolicy] {
        var out: [CustomerID: SLAPolicy] = [:]
        for customer in customers { out[customer.id] = try customer.slaPolicy() }
        return out
    }

    var slaOverridesJSON: String {
        var w = JSONWriter()
        w.object(slaOverrides.sorted { $0.key < $1.key }.map { ($0.key, FieldValue.string($0.value)) })
        return w.string
    }
}

/// A change to rules, playbooks or policies, for `vigil.config_audit`.
public struct ConfigChange: Sendable, Hashable {
    public var at: Timestamp
    public var actor: String
    /// rule, playbook, policy, rotation, customer, ...
    public var objectType: String
    public var objectID: String
    /// created, changed, removed, override, exclusion, ...
    public var action: String
    public var customer: CustomerID?
    /// Details as a JSON object (old/new values, reason, approver).
    public var detailJSON: String

    public init(at: Timestamp, actor: String, objectType: String, objectID: String, action: String, customer: CustomerID? = nil, detailJSON: String = "{}") {
        self.at = at
        self.actor = actor
        self.objectType = objectType
        self.objectID = objectID
        self.action = action
        self.customer = customer
        self.detailJSON = detailJSON
    }
}
