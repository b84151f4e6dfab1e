import VigilEvents

/// Answers "who is on call at time t" from the configuration. Pure: the same inputs give the same answer.
public struct OnCallResolver: Sendable {
    public let config: OnCallConfig
    private let zones: [String: ZoneRules]

    public init(config: OnCallConfig) {
        self.config = config
        var zones: [String: ZoneRules] = [:]
        let ids = config.rotations.map(\.timeZone) + config.schedules.map(\.timeZone) + config.people.map(\.timeZone)
            + config.customers.map(\.timeZone)
        for id in Set(ids) { zones[id] = ZoneRules(identifier: id) ?? .utc }
        self.zones = zones
    }

    /// The zone rules for an identifier (UTC when unknown; the loader rejects unknown zones).
    public func zone(_ identifier: String) -> ZoneRules { zones[identifier] ?? ZoneRules(identifier: identifier) ?? .utc }

    // MARK: - Schedules and rotations

    /// Who is on call in the schedule at `instant`, with the reason for each, in rule order.
    public func entries(schedule: Schedule, at instant: Timestamp) -> [OnCallEntry] {
        let scheduleZone = zone(schedule.timeZone)
        var entries: [OnCallEntry] = []
        func add(_ entry: OnCallEntry) { if !entries.contains(where: { $0.person == entry.person }) { entries.append(entry) } }
        for rule in schedule.rules where rule.window.contains(instant, in: scheduleZone) {
            switch rule.source {
            case .person(let id):
                add(OnCallEntry(person: id, reason: .rule))
            case .rotation(let id):
                guard let rotation = config.rotation(id), let shift = rotation.shift(at: instant, zone: zone(rotation.timeZone)) else { continue }
                add(OnCallEntry(person: shift.person, reason: .rotation(id: id, shiftEnds: shift.end)))
            }
        }
        for o in schedule.overrides where o.isActive(at: instant) {
            switch o.kind {
            case .add:
                add(OnCallEntry(person: o.person, reason: .override(replacing: nil, until: o.to, note: o.note)))
            case .remove:
                entries.removeAll { $0.person == o.person }
            case .replace(let replaced):
                guard let index = entries.firstIndex(where: { $0.person == replaced }) else { continue }
                entries[index] = OnCallEntry(person: o.person, reason: .override(replacing: replaced, until: o.to, note: o.note))
                if entries.filter({ $0.person == o.person }).count > 1, let dup = entries.lastIndex(where: { $0.person == o.person }) {
                    entries.remove(at: dup)
                }
            }
        }
        return entries
    }

    /// The people on call in the schedule at `instant`.
    public func onCall(schedule: Schedule, at instant: Timestamp) -> [String] {
        entries(schedule: schedule, at: instant).map(\.person)
    }

    /// The people on call in the schedule with this id (empty when unknown).
    public func onCall(scheduleID: String, at instant: Timestamp) -> [String] {
        config.schedule(scheduleID).map { onCall(schedule: $0, at: instant) } ?? []
    }

    /// Whose shift it is in the rotation, ignoring schedules.
    public func onCall(rotationID: String, at instant: Timestamp) -> String? {
        guard let rotation = config.rotation(rotationID) else { return nil }
        return rotation.shift(at: instant, zone: zone(rotation.timeZone))?.person
    }

    // MARK: - Targets and steps

    /// The recipients a target names at `instant`; the customer resolves `service_manager`.
    public func resolve(_ target: EscalationTarget, customer: CustomerID?, at instant: Timestamp) -> [Recipient] {
        switch target {
        case .person(let id):
            return config.person(id) == nil ? [] : [.person(id)]
        case .schedule(let id):
            return onCall(scheduleID: id, at: instant).map(Recipient.person)
        case .rotation(let id):
            return onCall(rotationID: id, at: instant).map { [.person($0)] } ?? []
        case .channel(let id):
            return config.channel(id) == nil ? [] : [.channel(id)]
        case .serviceManager:
            guard let customer, let target = config.customer(customer.rawValue)?.serviceManager else { return [] }
            return resolve(target, customer: customer, at: instant)
        case .managerOf(let inner):
            var managers: [Recipient] = []
            for case .person(let id) in resolve(inner, customer: customer, at: instant) {
                guard let manager = config.person(id)?.manager, config.person(manager) != nil else { continue }
                if !managers.contains(.person(manager)) { managers.append(.person(manager)) }
            }
            return managers
        }
    }

    /// Everyone a step pages at `instant`, in target order, without repeats.
    public func resolve(step: EscalationStep, customer: CustomerID?, at instant: Timestamp) -> [Recipient] {
        var result: [Recipient] = []
        for target in step.targets {
            for recipient in resolve(target, customer: customer, at: instant) where !result.contains(recipient) {
                result.append(recipient)
            }
        }
        return result
    }

    // MARK: - Change points

    /// Instants in `(from, to)` at which the target's answer may change, sorted.
    public func changePoints(_ target: EscalationTarget, customer: CustomerID?, from: Timestamp, to: Timestamp) -> [Timestamp] {
        var points: Set<Timestamp> = []
        collectChangePoints(target, customer: customer, from: from, to: to, into: &points)
        return points.filter { $0 > from && $0 < to }.sorted()
    }

    private func collectChangePoints(_ target: EscalationTarget, customer: CustomerID?, from: Timestamp, to: Timestamp,
                                     into points: inout Set<Timestamp>) {
        switch target {
        case .person, .channel:
            return
        case .rotation(let id):
            guard let rotation = config.rotation(id) else { return }
            let rz = zone(rotation.timeZone)
            points.insert(rotation.shiftStart(0, zone: rz))
            for shift in rotation.shifts(from: from, to: to, zone: rz) { points.insert(shift.start); points.insert(shift.end) }
        case .schedule(let id):
            guard let schedule = config.schedule(id) else { return }
            let sz = zone(schedule.timeZone)
            let firstDay = sz.civil(at: from).startOfDay.addingDays(-1)
            let days = Int((to - from).nanoseconds / TimeSpan.days(1).nanoseconds) + 3
            for rule in schedule.rules {
                if !rule.window.isAlways {
                    for offset in 0...days {
                        let day = firstDay.addingDays(offset)
                        for edge in rule.window.edges {
                            points.insert(sz.instant(for: CivilDateTime(year: day.year, month: day.month, day: day.day,
                                                                        hour: edge.hour, minute: edge.minute)))
                        }
                    }
                }
                if case .rotation(let rid) = rule.source {
                    collectChangePoints(.rotation(rid), customer: customer, from: from, to: to, into: &points)
                }
            }
            for o in schedule.overrides { points.insert(o.from); points.insert(o.to) }
        case .serviceManager:
            guard let customer, let target = config.customer(customer.rawValue)?.serviceManager else { return }
            collectChangePoints(target, customer: customer, from: from, to: to, into: &points)
        case .managerOf(let inner):
            collectChangePoints(inner, customer: customer, from: from, to: to, into: &points)
        }
    }
}
