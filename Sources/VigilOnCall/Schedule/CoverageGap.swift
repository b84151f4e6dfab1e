import VigilEvents

/// A period in which one step of a policy resolves to nobody.
public struct CoverageGap: Sendable, Hashable, CustomStringConvertible {
    public var policy: String
    /// 0-based index of the step.
    public var stepIndex: Int
    public var stepLabel: String
    /// Set when the step's answer depends on the customer (a `service_manager` target).
    public var customer: CustomerID?
    public var from: Timestamp
    public var to: Timestamp

    public var description: String {
        "\(policy) \(stepLabel)" + (customer.map { " for \($0)" } ?? "") + ": nobody from \(from.rfc3339) to \(to.rfc3339)"
    }
}

extension OnCallResolver {
    /// Every period in `[from, to)` in which a step of `policy` resolves to nobody, by step, then time.
    public func gaps(policy: EscalationPolicy, from: Timestamp, to: Timestamp) -> [CoverageGap] {
        guard from < to else { return [] }
        var result: [CoverageGap] = []
        for (index, step) in policy.steps.enumerated() {
            let customers: [CustomerID?] = step.targets.contains(where: \.dependsOnCustomer)
                ? customers(using: policy).map { Optional($0) } : [nil]
            for customer in customers {
                var points: Set<Timestamp> = [from]
                for target in step.targets {
                    points.formUnion(changePoints(target, customer: customer, from: from, to: to))
                }
                let starts = points.sorted()
                var open: Timestamp?
                for start in starts {
                    let empty = resolve(step: step, customer: customer, at: start).isEmpty
                    if empty, open == nil { open = start }
                    if !empty, let begin = open {
                        result.append(CoverageGap(policy: policy.id, stepIndex: index, stepLabel: step.label(index: index),
                                                  customer: customer, from: begin, to: start))
                        open = nil
                    }
                }
                if let begin = open {
                    result.append(CoverageGap(policy: policy.id, stepIndex: index, stepLabel: step.label(index: index),
                                              customer: customer, from: begin, to: to))
                }
            }
        }
        return result
    }

    /// Gaps in every policy of the configuration.
    public func gaps(from: Timestamp, to: Timestamp) -> [CoverageGap] {
        config.policies.flatMap { gaps(policy: $0, from: from, to: to) }
    }

    /// The customers whose incidents can reach `policy`: through their own entry or a route, or all when it is a catch-all.
    public func customers(using policy: EscalationPolicy) -> [CustomerID] {
        let all = config.customers.map(\.id)
        if config.defaultPolicy == policy.id { return all }
        var result: Set<CustomerID> = Set(config.customers.filter { $0.policy == policy.id }.map(\.id))
        for route in config.routes where route.policy == policy.id {
            if route.match.customers.isEmpty { return all }
            result.formUnion(route.match.customers)
        }
        return all.filter { result.contains($0) } + result.subtracting(all).sorted()
    }
}

extension EscalationTarget {
    /// Whether resolving the target needs the incident's customer.
    public var dependsOnCustomer: Bool {
        switch self {
        case .serviceManager: true
        case .managerOf(let inner): inner.dependsOnCustomer
        default: false
        }
    }
}
