import VigilEvents
import VigilOnCall

/// Every customer has an escalation policy, and every step of the policies customers use reaches somebody from
/// `from` to `to`; pure (it reuses ``OnCallResolver``'s gap search, as `vigil oncall gaps` does).
struct OnCallCoverage: Sendable {
    let check = "oncall"
    var config: OnCallConfig
    /// The on-call file, for messages.
    var file: String
    /// Customers with a playbook, and their time zones; nil when the rules did not load.
    var playbookCustomers: [CustomerID: ZoneRules]?
    /// At most this many gaps are listed per policy step.
    var gapLinesPerStep = 5

    func findings(from: Timestamp, to: Timestamp) -> [DoctorFinding] {
        membership() + policies() + gaps(from: from, to: to)
    }

    /// Customers with a playbook but no on-call entry, and the other way round.
    func membership() -> [DoctorFinding] {
        guard let playbookCustomers else { return [] }
        let inFile = Set(config.customers.map(\.id))
        var findings: [DoctorFinding] = []
        for id in playbookCustomers.keys.sorted() where !inFile.contains(id) {
            findings.append(.warn(check, "customer \(id) has a playbook but no entry in the on-call file \(file) (no service manager; pages use UTC)",
                                  fix: "add it under customers: in \(file)"))
        }
        for customer in config.customers where playbookCustomers[customer.id] == nil {
            findings.append(.warn(check, "customer \(customer.id) is in the on-call file \(file) but has no playbook in rules/customers",
                                  fix: "add rules/customers/\(customer.id).yml, or remove the entry (or correct the id)"))
        }
        return findings
    }

    /// Every customer (from the playbooks and the file) reaches a policy for every incident.
    func policies() -> [DoctorFinding] {
        let customers = Set(config.customers.map(\.id)).union(playbookCustomers.map { Set($0.keys) } ?? []).sorted()
        var findings: [DoctorFinding] = []
        var covered = 0
        for customer in customers {
            if config.customer(customer.rawValue)?.policy != nil || config.defaultPolicy != nil
                || config.routes.contains(where: { $0.policy.isEmpty == false && $0.coversEveryIncident(of: customer) }) {
                covered += 1
                continue
            }
            let partial = config.routes.enumerated().filter { $0.element.match.customers.isEmpty || $0.element.match.customers.contains(customer) }
            let fix = "give it policy: under customers: in \(file), add a route for it, or set default_policy"
            if partial.isEmpty {
                findings.append(.fail(check, "customer \(customer) has no escalation policy: its incidents page nobody", fix: fix))
            } else {
                let routes = partial.map { "route \($0.offset + 1) → \($0.element.policy)" }.joined(separator: ", ")
                findings.append(.fail(check, "customer \(customer) has an escalation policy only for some incidents (\(routes)); the others page nobody",
                                      fix: fix))
            }
        }
        if findings.isEmpty {
            findings.append(.ok(check, "on-call: \(covered) customer\(covered == 1 ? "" : "s") with an escalation policy"
                                + (config.defaultPolicy.map { " (default_policy \($0))" } ?? "")))
        }
        return findings
    }

    /// One finding per gap (a policy step that resolves to nobody), in the customers' time zone.
    func gaps(from: Timestamp, to: Timestamp) -> [DoctorFinding] {
        let resolver = OnCallResolver(config: config)
        var findings: [DoctorFinding] = []
        for policy in config.policies {
            let users = resolver.customers(using: policy)
            let gaps = resolver.gaps(policy: policy, from: from, to: to)
            let byStep = Dictionary(grouping: gaps) { "\($0.stepIndex) \($0.customer?.rawValue ?? "")" }
            for gap in gaps {
                let key = "\(gap.stepIndex) \(gap.customer?.rawValue ?? "")"
                guard let index = byStep[key]?.firstIndex(of: gap) else { continue }
                if index >= gapLinesPerStep {
                    if index == gapLinesPerStep {
                        findings.append(.fail(check, "on-call: policy \(policy.id) \(gap.stepLabel): \(byStep[key]!.count - gapLinesPerStep) more gaps",
                                              fix: "see `vigil oncall gaps --policy \(policy.id)`"))
                    }
                    continue
                }
                let affected = gap.customer.map { [$0] } ?? users
                let zone = zone(for: affected, resolver: resolver)
                let who = affected.isEmpty ? " (no customer uses this policy)" : " for \(affected.map(\.rawValue).joined(separator: ", "))"
                let message = "on-call: policy \(policy.id) \(gap.stepLabel)\(who): nobody on call "
                    + (gap.from == from ? "now, " : "") + "from \(Self.format(gap.from, zone)) to \(Self.format(gap.to, zone)) \(zone.identifier)"
                    + " (\(Self.duration(gap.to - gap.from)))"
                let fix = "cover it in \(file) (a schedule rule, a rotation or an override)"
                findings.append(affected.isEmpty ? .warn(check, message, fix: fix) : .fail(check, message, fix: fix))
            }
        }
        if findings.isEmpty {
            let days = (to - from).nanoseconds / 86_400_000_000_000
            findings.append(.ok(check, "on-call: every step of \(config.policies.count) polic\(config.policies.count == 1 ? "y" : "ies") reaches somebody now and for the next \(days) days"))
        }
        return findings
    }

    /// The customers' zone: from the on-call entry, else the playbook; UTC when they disagree or are unknown.
    private func zone(for customers: [CustomerID], resolver: OnCallResolver) -> ZoneRules {
        let zones = customers.map { id -> ZoneRules in
            if let entry = config.customer(id.rawValue) { return resolver.zone(entry.timeZone) }
            return playbookCustomers?[id] ?? .utc
        }
        guard let first = zones.first, zones.allSatisfy({ $0.identifier == first.identifier }) else { return .utc }
        return first
    }

    /// `Sat 2026-11-28 18:00`.
    static func format(_ t: Timestamp, _ zone: ZoneRules) -> String {
        let c = zone.civil(at: t)
        func pad(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        let day = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"][c.isoWeekday - 1]
        return "\(day) \(c.year)-\(pad(c.month))-\(pad(c.day)) \(pad(c.hour)):\(pad(c.minute))"
    }

    /// `2d 14h 5m`.
    static func duration(_ span: TimeSpan) -> String {
        let minutes = span.nanoseconds / 60_000_000_000
        let parts = [(minutes / 1440, "d"), (minutes / 60 % 24, "h"), (minutes % 60, "m")].filter { $0.0 > 0 }
        return parts.isEmpty ? "under a minute" : parts.map { "\($0.0)\($0.1)" }.joined(separator: " ")
    }
}

extension Route {
    /// Whether every incident of `customer` takes this route (no priority, level, urgency or scenario condition).
    func coversEveryIncident(of customer: CustomerID) -> Bool {
        (match.customers.isEmpty || match.customers.contains(customer))
            && match.priorities.isEmpty && match.levels.isEmpty && match.urgencies.isEmpty && match.scenarios.isEmpty
    }
}
