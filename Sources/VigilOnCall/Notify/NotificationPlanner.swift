import VigilEvents

/// Evaluates notification policy: the person's rules by urgency, business and quiet hours, then the
/// customer's scenario × channel × window switches. Pure: time comes in as an argument.
public struct NotificationPlanner: Sendable {
    public let resolver: OnCallResolver

    public init(resolver: OnCallResolver) { self.resolver = resolver }

    public var config: OnCallConfig { resolver.config }

    /// The deliveries for one recipient of a step paged at `now`.
    public func plan(for recipient: Recipient, incident: OnCallIncident, at now: Timestamp) -> [PlannedDelivery] {
        switch recipient {
        case .person(let id):
            guard let person = config.person(id) else { return [] }
            return plan(for: person, incident: incident, at: now)
        case .channel(let id):
            guard let channel = config.channel(id) else { return [] }
            return [PlannedDelivery(contact: channel.contact, at: now, reason: "shared channel \(channel.name)")]
        }
    }

    /// The deliveries for a person, sorted by time then by the person's contact order.
    public func plan(for person: Person, incident: OnCallIncident, at now: Timestamp) -> [PlannedDelivery] {
        let urgency = incident.urgency
        let personZone = resolver.zone(person.timeZone)
        let preferences = person.notification
        var planned: [PlannedDelivery] = []

        for rule in preferences.rules(for: urgency) {
            var at = now + rule.delay
            var why = "\(urgency.rawValue) urgency" + (rule.delay > .zero ? ", after \(rule.delay)" : ", at once")
            switch rule.when {
            case .always:
                break
            case .businessHours:
                guard let open = preferences.businessHours.firstInstant(atOrAfter: at, in: personZone, inside: true) else { continue }
                if open > at { why += ", held until business hours" }
                at = open
            case .outsideBusinessHours:
                guard let closed = preferences.businessHours.firstInstant(atOrAfter: at, in: personZone, inside: false) else { continue }
                if closed > at { why += ", held until business hours end" }
                at = closed
            }
            if let quiet = preferences.quietHours, !quiet.allow.contains(urgency),
               let end = quiet.window.firstInstant(atOrAfter: at, in: personZone, inside: false), end > at {
                at = end
                why += ", held until quiet hours end"
            }
            for kind in rule.channels {
                guard let contact = person.contacts(of: kind).first else { continue }
                if let index = planned.firstIndex(where: { $0.contact == contact }) {
                    if at < planned[index].at { planned[index] = PlannedDelivery(contact: contact, at: at, reason: why) }
                } else {
                    planned.append(PlannedDelivery(contact: contact, at: at, reason: why))
                }
            }
        }

        if let customer = config.customer(incident.customer.rawValue) {
            planned = applySwitches(customer, to: planned, person: person, incident: incident, now: now)
        }
        if planned.isEmpty, let first = person.contacts.first(where: { isAllowed($0.kind, incident: incident, at: now) }) {
            planned.append(PlannedDelivery(contact: first, at: now, reason: "no rule reached this person: first contact method"))
        }
        let order = Dictionary(person.contacts.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
        return planned.sorted { ($0.at, order[$0.contact.id] ?? 0) < ($1.at, order[$1.contact.id] ?? 0) }
    }

    /// The customer's switch for this channel at `instant`: the last matching one, if any.
    public func channelSwitch(_ kind: ContactKind, incident: OnCallIncident, at instant: Timestamp) -> ChannelSwitch? {
        guard let customer = config.customer(incident.customer.rawValue) else { return nil }
        let zone = resolver.zone(customer.timeZone)
        return customer.channelSwitches.last { s in
            s.channel == kind && s.applies(to: incident) && s.window.contains(instant, in: zone)
        }
    }

    private func isAllowed(_ kind: ContactKind, incident: OnCallIncident, at instant: Timestamp) -> Bool {
        channelSwitch(kind, incident: incident, at: instant)?.enabled ?? true
    }

    private func applySwitches(_ customer: CustomerOnCall, to planned: [PlannedDelivery], person: Person,
                               incident: OnCallIncident, now: Timestamp) -> [PlannedDelivery] {
        var result = planned.filter { isAllowed($0.contact.kind, incident: incident, at: $0.at) }
        for kind in ContactKind.allCases {
            guard let s = channelSwitch(kind, incident: incident, at: now), s.enabled,
                  let contact = person.contacts(of: kind).first else { continue }
            let reason = "\(customer.name) asked for \(kind) for this scenario at this time"
                + (s.requestedBy.map { " (\($0))" } ?? "")
            if let index = result.firstIndex(where: { $0.contact.kind == kind }) {
                if result[index].at > now { result[index] = PlannedDelivery(contact: result[index].contact, at: now, reason: reason) }
            } else {
                result.append(PlannedDelivery(contact: contact, at: now, reason: reason))
            }
        }
        return result
    }

    /// The next contact to try after `failed` fails: the person's next method in list order not yet tried.
    public func fallback(for person: String, after failed: ContactMethod, tried: Set<String>, incident: OnCallIncident,
                         at instant: Timestamp) -> ContactMethod? {
        guard let person = config.person(person), let index = person.contacts.firstIndex(of: failed) else { return nil }
        let ordered = person.contacts[(index + 1)...] + person.contacts[..<index]
        return ordered.first { !tried.contains($0.id) && isAllowed($0.kind, incident: incident, at: instant) }
    }
}
