import VigilDetection
import VigilEvents
import VigilIncidents

/// The plain-text answers of `vigil oncall who` and `vigil oncall gaps`. Pure: configuration, instant and zone in, text out.
public struct OnCallReport: Sendable {
    public let config: OnCallConfig
    public let resolver: OnCallResolver
    /// Times are printed in this zone.
    public let zone: ZoneRules

    public init(config: OnCallConfig, zone: ZoneRules) {
        self.config = config
        resolver = OnCallResolver(config: config)
        self.zone = zone
    }

    func time(_ t: Timestamp) -> String { InstantParser.format(t, zone: zone) }

    func name(_ person: String) -> String {
        config.person(person).map { "\($0.name) (\(person))" } ?? person
    }

    func names(_ recipients: [Recipient]) -> String {
        guard !recipients.isEmpty else { return "NOBODY" }
        return recipients.map { r in
            switch r {
            case .person(let id): name(id)
            case .channel(let id): "channel \(config.channel(id)?.name ?? id)"
            }
        }.joined(separator: ", ")
    }

    /// Every schedule and rotation: who is on call at `instant`, why, and until when.
    public func everyone(at instant: Timestamp) -> String {
        var lines = ["On call at \(time(instant)) \(zone.identifier)", "", "Schedules:"]
        for schedule in config.schedules {
            let entries = resolver.entries(schedule: schedule, at: instant)
            let title = schedule.name == schedule.id ? schedule.id : "\(schedule.id) (\(schedule.name))"
            if entries.isEmpty {
                lines.append("  \(title): NOBODY")
                continue
            }
            lines.append("  \(title):")
            for entry in entries { lines.append("    \(name(entry.person)) — \(reason(entry.reason))") }
        }
        if !config.rotations.isEmpty {
            lines += ["", "Rotations (shift holders, without schedule rules or overrides):"]
            for rotation in config.rotations {
                if let shift = rotation.shift(at: instant, zone: resolver.zone(rotation.timeZone)) {
                    lines.append("  \(rotation.id): \(name(shift.person)) until \(time(shift.end))")
                } else {
                    lines.append("  \(rotation.id): nobody yet (starts \(time(rotation.shiftStart(0, zone: resolver.zone(rotation.timeZone)))))")
                }
            }
        }
        return lines.joined(separator: "\n")
    }

    func reason(_ reason: OnCallEntry.Reason) -> String {
        switch reason {
        case .rule: "schedule rule"
        case .rotation(let id, let ends): "rotation \(id), shift ends \(time(ends))"
        case .override(let replacing, let until, let note):
            (replacing.map { "override: stands in for \(name($0))" } ?? "override: added") + " until \(time(until))"
                + (note.map { " (\($0))" } ?? "")
        }
    }

    /// A policy's steps and whom each pages at `instant`; steps that depend on the customer are shown per customer.
    public func policy(_ policy: EscalationPolicy, at instant: Timestamp, customers: [CustomerID]? = nil) -> String {
        var lines = ["Policy \(policy.id)" + (policy.name == policy.id ? "" : " (\(policy.name))") + " at \(time(instant)) \(zone.identifier)"
                     + (policy.repeatCount > 0 ? ", repeats \(policy.repeatCount)×" : "")
                     + (policy.ackTimeout.map { ", acknowledgement timeout \($0)" } ?? "")]
        let audience = customers ?? resolver.customers(using: policy)
        for (index, step) in policy.steps.enumerated() {
            let head = "  \(step.label(index: index)), waits \(step.delay)" + (step.only.map { " (only \(OnCallJSON.match($0).text))" } ?? "")
            if step.targets.contains(where: \.dependsOnCustomer) {
                lines.append(head + ":")
                if audience.isEmpty { lines.append("    (no customer uses this policy)") }
                for customer in audience {
                    lines.append("    for \(customer): \(names(resolver.resolve(step: step, customer: customer, at: instant)))")
                }
            } else {
                lines.append(head + ": \(names(resolver.resolve(step: step, customer: nil, at: instant)))")
            }
        }
        return lines.joined(separator: "\n")
    }

    /// A customer: its service manager, which policy each priority routes to, and whom those policies page now.
    public func customer(_ id: CustomerID, at instant: Timestamp) -> String {
        let entry = config.customer(id.rawValue)
        var lines = ["Customer \(id)" + (entry.map { " (\($0.name))" } ?? " (no on-call entry: default policy)")]
        if let sm = entry?.serviceManager {
            lines.append("  service manager: \(names(resolver.resolve(sm, customer: id, at: instant))) — \(sm)")
        } else {
            lines.append("  service manager: none configured")
        }
        let router = PolicyRouter(config: config)
        var order: [String] = []
        var byPolicy: [String: [String]] = [:]
        for priority in Priority.allCases {
            let incident = OnCallIncident(id: "-", customer: id, ruleID: "-", title: "", level: Self.typicalLevel(priority), priority: priority,
                                          firstSeen: instant, lastSeen: instant)
            guard let (policy, why) = router.route(incident) else { continue }
            let label = "\(policy.id) (\(Self.describe(why)))"
            if byPolicy[label] == nil { order.append(label) }
            byPolicy[label, default: []].append(priority.label)
        }
        lines.append("  policy by priority: " + order.map { "\(byPolicy[$0]!.joined(separator: ", ")) → \($0)" }.joined(separator: "; "))
        var shown: Set<String> = []
        for label in order {
            let policyID = String(label.prefix { $0 != " " })
            guard shown.insert(policyID).inserted, let policy = config.policy(policyID) else { continue }
            lines.append("")
            lines += self.policy(policy, at: instant, customers: [id]).split(separator: "\n").map { "  " + $0 }
        }
        return lines.joined(separator: "\n")
    }

    /// The level a detection of that priority usually has (routes may match on level).
    static func typicalLevel(_ p: Priority) -> Level {
        switch p {
        case .p1: .critical
        case .p2: .high
        case .p3: .medium
        case .p4: .low
        case .p5: .informational
        }
    }

    static func describe(_ reason: PolicyRouter.Reason) -> String {
        switch reason {
        case .playbook: "playbook"
        case .route(let index): "route \(index + 1)"
        case .customer: "customer entry"
        case .defaultPolicy: "default"
        }
    }

    /// Every period in `[from, to)` in which a policy step resolves to nobody.
    public func gaps(_ gaps: [CoverageGap], from: Timestamp, to: Timestamp) -> String {
        var lines = ["Coverage from \(time(from)) to \(time(to)) \(zone.identifier):"]
        if gaps.isEmpty {
            lines.append("  no gaps: every step of every policy reaches someone")
            return lines.joined(separator: "\n")
        }
        for gap in gaps {
            lines.append("  \(gap.policy) \(gap.stepLabel)" + (gap.customer.map { " for \($0)" } ?? "")
                         + ": NOBODY from \(time(gap.from)) to \(time(gap.to)) (\(gap.to - gap.from))")
        }
        lines.append("\(gaps.count) gap(s)")
        return lines.joined(separator: "\n")
    }
}
