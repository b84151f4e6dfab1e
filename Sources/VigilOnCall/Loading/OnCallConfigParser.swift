import VigilDetection
import VigilEvents
import VigilIncidents
import Yams

/// Turns the YAML tree into an `OnCallConfig`, reporting every problem to the reader.
final class OnCallConfigParser {
    let reader: YAMLReader

    private enum ReferenceKind: String {
        case person, rotation, schedule, channel, policy
    }

    private struct Reference {
        var kind: ReferenceKind
        var id: String
        var mark: Mark?
        var what: String
    }

    private var references: [Reference] = []
    private var seenIDs: [String: [String: Mark?]] = [:]
    private var contactIDs: [String: Mark?] = [:]
    private var managerMarks: [String: Mark?] = [:]
    private var providers = ProviderSettings()

    init(reader: YAMLReader) { self.reader = reader }

    func parse(_ root: Node) -> OnCallConfig? {
        guard let top = reader.map(root, "the configuration") else { return nil }
        top.allowKeys(["version", "providers", "people", "channels", "rotations", "schedules", "policies", "customers",
                       "routes", "default_policy"])
        if let version = top["version"], version.int != 1 {
            reader.error("version must be 1", at: version)
        }
        if let node = top["providers"] { providers = parseProviders(node) }
        var config = OnCallConfig(providers: providers)
        config.people = reader.list(top["people"], "people").compactMap(parsePerson)
        config.channels = reader.list(top["channels"], "channels").compactMap(parseChannel)
        config.rotations = reader.list(top["rotations"], "rotations").compactMap(parseRotation)
        config.schedules = reader.list(top["schedules"], "schedules").compactMap(parseSchedule)
        config.policies = reader.list(top["policies"], "policies").compactMap(parsePolicy)
        config.customers = reader.list(top["customers"], "customers").compactMap(parseCustomer)
        config.routes = reader.list(top["routes"], "routes").compactMap(parseRoute)
        if let id = top.string("default_policy") {
            config.defaultPolicy = id
            references.append(Reference(kind: .policy, id: id, mark: top["default_policy"]?.mark, what: "default_policy"))
        } else if !top.has("default_policy") {
            reader.error("'default_policy' is required, so that every incident reaches someone", at: top.mark)
        }
        checkReferences()
        checkManagerCycles(config.people)
        return config
    }

    // MARK: - Identifiers and references

    /// The entry's id. A malformed or duplicate id is reported but still returned, so the rest of the
    /// entry is checked too (the load fails anyway); only a missing id gives nil.
    private func identifier(_ map: YAMLMap, section: String) -> String? {
        guard let id = map.string("id", required: true) else { return nil }
        let ok = !id.isEmpty && id.utf8.count <= 64 && id.utf8.allSatisfy { b in
            (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39) || b == 0x2D || b == 0x5F || b == 0x2E
        }
        if !ok {
            reader.error("\(section) id '\(id)' must be 1 to 64 lower-case letters, digits, '-', '_' or '.'", at: map["id"])
        }
        if let first = seenIDs[section]?[id] {
            reader.error("duplicate \(section) id '\(id)' (first defined at line \(first?.line ?? 0))", at: map["id"])
        } else {
            seenIDs[section, default: [:]][id] = map["id"]?.mark
        }
        return id
    }

    private func refer(_ kind: ReferenceKind, _ id: String, _ node: Node?, _ what: String) {
        references.append(Reference(kind: kind, id: id, mark: node?.mark, what: what))
    }

    private func checkReferences() {
        for ref in references where seenIDs[ref.kind.rawValue]?[ref.id] == nil {
            let known = (seenIDs[ref.kind.rawValue] ?? [:]).keys.sorted()
            let hint = known.isEmpty ? "none defined" : "known: " + known.prefix(12).joined(separator: ", ")
            reader.error("\(ref.what): unknown \(ref.kind.rawValue) '\(ref.id)' (\(hint))", at: ref.mark)
        }
    }

    private func checkManagerCycles(_ people: [Person]) {
        let managers = Dictionary(people.map { ($0.id, $0.manager) }, uniquingKeysWith: { a, _ in a })
        for person in people where person.manager != nil {
            var seen: Set<String> = [person.id]
            var cursor = person.manager
            while let current = cursor {
                if seen.contains(current) {
                    reader.error("person '\(person.id)': the manager chain loops back through '\(current)'",
                                 at: managerMarks[person.id] ?? nil)
                    break
                }
                seen.insert(current)
                cursor = managers[current] ?? nil
            }
        }
    }

    // MARK: - People and contacts

    private func parsePerson(_ node: Node) -> Person? {
        guard let map = reader.map(node, "person") else { return nil }
        map.allowKeys(["id", "name", "roles", "manager", "time_zone", "contacts", "notification"])
        guard let id = identifier(map, section: "person") else { return nil }
        let what = "person '\(id)'"
        let named = YAMLMap(reader: reader, node: node, mapping: map.mapping, what: what)
        let name = named.string("name") ?? id
        let roles = reader.strings(map["roles"], "\(what): 'roles'").map(\.0)
        var manager: String?
        if let m = named.string("manager") {
            if m == id { reader.error("\(what): a person cannot be their own manager", at: map["manager"]) } else {
                manager = m
                refer(.person, m, map["manager"], "\(what): 'manager'")
                managerMarks[id] = map["manager"]?.mark
            }
        }
        let zone = named.zone("time_zone", fallback: "UTC") ?? "UTC"
        var contacts: [ContactMethod] = []
        let contactNodes = reader.list(map["contacts"], "\(what): 'contacts'")
        if contactNodes.isEmpty { reader.error("\(what): needs at least one contact method", at: map["contacts"] ?? node) }
        for contactNode in contactNodes {
            if let contact = parseContact(contactNode, owner: id, existing: contacts, what: what) { contacts.append(contact) }
        }
        var notification = NotificationPreferences.standard
        if let n = map["notification"] {
            notification = parseNotification(n, what: what, contacts: contacts) ?? .standard
        }
        return Person(id: id, name: name, roles: roles, manager: manager, timeZone: zone, contacts: contacts, notification: notification)
    }

    /// `{sms: "+49…"}` or `{type: sms, address: "+49…", id: petra-mobile}`.
    private func parseContact(_ node: Node, owner: String, existing: [ContactMethod], what: String) -> ContactMethod? {
        guard let map = reader.map(node, "\(what): contact") else { return nil }
        let kinds = ContactKind.allCases.map(\.rawValue)
        map.allowKeys(Set(kinds + ["type", "address", "id"]))
        var kind: ContactKind?
        var address: String?
        var addressNode: Node? = map["address"]
        let shorthand = kinds.filter { map.has($0) }
        if shorthand.count > 1 {
            reader.error("\(what): a contact has one kind, found \(shorthand.joined(separator: " and "))", at: node)
            return nil
        } else if let key = shorthand.first {
            kind = ContactKind(rawValue: key)
            address = map.string(key)
            addressNode = map[key]
        } else if let type = map.string("type", required: true) {
            kind = ContactKind(rawValue: type)
            if kind == nil {
                reader.error("\(what): unknown contact type '\(type)' (known: \(kinds.joined(separator: ", ")))", at: map["type"])
            }
            address = map.string("address", required: true)
        }
        guard let kind, let address else { return nil }
        let trimmed = address.trimmed
        var valid = true
        if let problem = ContactAddressValidator.problem(kind: kind, address: trimmed) {
            reader.error("\(what): \(problem)", at: addressNode)
            valid = false
        }
        if !providers.supports(kind) {
            reader.error("\(what): \(kind) contacts need the provider section '\(providerName(kind))'", at: addressNode)
            valid = false
        }
        let sameKind = existing.filter { $0.kind == kind }.count
        let id = map.string("id") ?? "\(owner).\(kind.rawValue)" + (sameKind == 0 ? "" : ".\(sameKind + 1)")
        if let first = contactIDs[id] {
            reader.error("\(what): duplicate contact id '\(id)' (first at line \(first?.line ?? 0))", at: map["id"] ?? node)
            valid = false
        }
        contactIDs[id] = node.mark
        return valid ? ContactMethod(id: id, kind: kind, address: trimmed) : nil
    }

    private func providerName(_ kind: ContactKind) -> String {
        switch kind {
        case .sms, .voice: "providers.twilio"
        case .email: "providers.smtp"
        case .telegram: "providers.telegram"
        case .slack: "providers.slack"
        case .webhook: "providers.webhook"
        }
    }

    private func parseNotification(_ node: Node, what: String, contacts: [ContactMethod]) -> NotificationPreferences? {
        guard let map = reader.map(node, "\(what): notification") else { return nil }
        map.allowKeys(["rules", "business_hours", "quiet_hours"])
        var preferences = NotificationPreferences()
        if let bh = map["business_hours"], let bhMap = reader.map(bh, "\(what): business_hours") {
            bhMap.allowKeys(["days", "from", "to"])
            if let window = bhMap.window() { preferences.businessHours = window }
        }
        if let qh = map["quiet_hours"], let qhMap = reader.map(qh, "\(what): quiet_hours") {
            qhMap.allowKeys(["days", "from", "to", "allow"])
            let allow = qhMap.has("allow") ? urgencies(qhMap["allow"], "\(what): quiet_hours 'allow'") : [.critical]
            if let window = qhMap.window() { preferences.quietHours = QuietHours(window: window, allow: allow) }
        }
        let kinds = Set(contacts.map(\.kind))
        for ruleNode in reader.list(map["rules"], "\(what): notification rules") {
            guard let rule = reader.map(ruleNode, "\(what): notification rule") else { continue }
            rule.allowKeys(["urgency", "channels", "delay", "when"])
            guard rule.has("urgency") else { reader.error("\(what): notification rule needs 'urgency'", at: ruleNode); continue }
            let urgencySet = urgencies(rule["urgency"], "\(what): notification rule 'urgency'")
            var channels: [ContactKind] = []
            for (text, channelNode) in reader.strings(rule["channels"], "\(what): notification rule 'channels'") {
                guard let kind = ContactKind(rawValue: text) else {
                    reader.error("\(what): unknown channel '\(text)' (known: \(ContactKind.allCases.map(\.rawValue).joined(separator: ", ")))",
                                 at: channelNode)
                    continue
                }
                if !kinds.contains(kind) {
                    reader.error("\(what): notification rule uses \(kind) but the person has no \(kind) contact", at: channelNode)
                }
                channels.append(kind)
            }
            if channels.isEmpty { reader.error("\(what): notification rule needs at least one channel", at: rule["channels"] ?? ruleNode) }
            var timing = NotificationRule.Timing.always
            if let w = rule.string("when") {
                if let t = NotificationRule.Timing(rawValue: w) { timing = t } else {
                    reader.error("\(what): 'when' must be always, business_hours or outside_business_hours", at: rule["when"])
                }
            }
            let delay = rule.duration("delay") ?? .zero
            preferences.rules.append(NotificationRule(urgencies: urgencySet, channels: channels, delay: delay, when: timing))
        }
        return preferences
    }

    private func urgencies(_ node: Node?, _ what: String) -> Set<PagingUrgency> {
        var set: Set<PagingUrgency> = []
        for (text, n) in reader.strings(node, what) {
            if text == "all" || text == "any" { set.formUnion(PagingUrgency.allCases); continue }
            guard let urgency = PagingUrgency(rawValue: text) else {
                reader.error("\(what): '\(text)' is not an urgency (critical, high, low or all)", at: n)
                continue
            }
            set.insert(urgency)
        }
        return set
    }

    private func parseChannel(_ node: Node) -> SharedChannel? {
        guard let map = reader.map(node, "channel") else { return nil }
        let kinds = ContactKind.allCases.map(\.rawValue)
        map.allowKeys(Set(["id", "name"] + kinds))
        guard let id = identifier(map, section: "channel") else { return nil }
        let what = "channel '\(id)'"
        let present = kinds.filter { map.has($0) }
        guard present.count == 1, let kind = ContactKind(rawValue: present[0]) else {
            reader.error("\(what): needs exactly one of \(kinds.joined(separator: ", "))", at: node)
            return nil
        }
        guard let address = map.string(kind.rawValue)?.trimmed else { return nil }
        if let problem = ContactAddressValidator.problem(kind: kind, address: address) {
            reader.error("\(what): \(problem)", at: map[kind.rawValue])
            return nil
        }
        if !providers.supports(kind) {
            reader.error("\(what): \(kind) needs the provider section '\(providerName(kind))'", at: map[kind.rawValue])
            return nil
        }
        let contact = ContactMethod(id: "channel:\(id)", kind: kind, address: address)
        return SharedChannel(id: id, name: map.string("name") ?? id, contact: contact)
    }

    // MARK: - Rotations and schedules

    private func parseRotation(_ node: Node) -> Rotation? {
        guard let map = reader.map(node, "rotation") else { return nil }
        map.allowKeys(["id", "name", "time_zone", "shift", "start", "participants"])
        guard let id = identifier(map, section: "rotation") else { return nil }
        let what = "rotation '\(id)'"
        let named = YAMLMap(reader: reader, node: node, mapping: map.mapping, what: what)
        let zone = named.zone("time_zone", fallback: nil)
        let shift = map["shift"].flatMap { parseShift($0, what: what) }
        if !map.has("shift") { reader.error("\(what): 'shift' is required (hourly, daily, weekly, monthly or {hours: 12})", at: node) }
        var start: CivilDateTime?
        if let text = named.string("start", required: true) {
            start = Self.parseCivil(text.trimmed)
            if start == nil {
                reader.error("\(what): 'start' must be a local date and time such as 2026-01-05T09:00 (no offset)", at: map["start"])
            }
        }
        let participants = reader.strings(map["participants"], "\(what): 'participants'")
        if participants.isEmpty { reader.error("\(what): needs at least one participant", at: map["participants"] ?? node) }
        for (person, n) in participants { refer(.person, person, n, "\(what): participant") }
        guard let zone, let shift, let start, !participants.isEmpty else { return nil }
        return Rotation(id: id, name: named.string("name"), timeZone: zone, shift: shift, start: start, participants: participants.map(\.0))
    }

    private func parseShift(_ node: Node, what: String) -> ShiftLength? {
        if case .scalar(let scalar) = node {
            switch scalar.string {
            case "hourly": return .hours(1)
            case "daily": return .days(1)
            case "weekly": return .weeks(1)
            case "monthly": return .months(1)
            default:
                reader.error("\(what): 'shift' must be hourly, daily, weekly, monthly or a mapping such as {hours: 12} or {length: 36h}",
                             at: node)
                return nil
            }
        }
        guard let map = reader.map(node, "\(what): 'shift'") else { return nil }
        map.allowKeys(["hours", "days", "weeks", "months", "length"])
        guard map.mapping.count == 1 else {
            reader.error("\(what): 'shift' takes exactly one of hours, days, weeks, months, length", at: node)
            return nil
        }
        if let n = map.int("hours", range: 1...8760) { return .hours(n) }
        if let n = map.int("days", range: 1...366) { return .days(n) }
        if let n = map.int("weeks", range: 1...52) { return .weeks(n) }
        if let n = map.int("months", range: 1...12) { return .months(n) }
        if let span = map.duration("length", minimum: .minutes(15)) {
            // Whole days and weeks keep the local hand-off time.
            if span.nanoseconds % TimeSpan.days(7).nanoseconds == 0 { return .weeks(Int(span.nanoseconds / TimeSpan.days(7).nanoseconds)) }
            if span.nanoseconds % TimeSpan.days(1).nanoseconds == 0 { return .days(Int(span.nanoseconds / TimeSpan.days(1).nanoseconds)) }
            return .custom(span)
        }
        return nil
    }

    /// `2026-01-05T09:00`, `2026-01-05 09:00:00` or `2026-01-05` (midnight).
    static func parseCivil(_ text: String) -> CivilDateTime? {
        let normalized = text.replacingOccurrences(of: " ", with: "T")
        let parts = normalized.split(separator: "T", omittingEmptySubsequences: false)
        guard parts.count == 1 || parts.count == 2 else { return nil }
        let date = parts[0].split(separator: "-", omittingEmptySubsequences: false)
        guard date.count == 3, date[0].count == 4, date[1].count == 2, date[2].count == 2,
              let y = Int(date[0]), let m = Int(date[1]), let d = Int(date[2]) else { return nil }
        var hour = 0, minute = 0, second = 0
        if parts.count == 2 {
            let time = parts[1].split(separator: ":", omittingEmptySubsequences: false)
            guard time.count == 2 || time.count == 3, time.allSatisfy({ $0.count == 2 }),
                  let h = Int(time[0]), let mi = Int(time[1]) else { return nil }
            hour = h
            minute = mi
            if time.count == 3 { guard let s = Int(time[2]) else { return nil }; second = s }
        }
        let civil = CivilDateTime(year: y, month: m, day: d, hour: hour, minute: minute, second: second)
        return civil.isValid && second < 60 ? civil : nil
    }

    private func parseSchedule(_ node: Node) -> Schedule? {
        guard let map = reader.map(node, "schedule") else { return nil }
        map.allowKeys(["id", "name", "time_zone", "rules", "overrides"])
        guard let id = identifier(map, section: "schedule") else { return nil }
        let what = "schedule '\(id)'"
        let named = YAMLMap(reader: reader, node: node, mapping: map.mapping, what: what)
        let zone = named.zone("time_zone", fallback: nil)
        var rules: [ScheduleRule] = []
        let ruleNodes = reader.list(map["rules"], "\(what): 'rules'")
        if ruleNodes.isEmpty { reader.error("\(what): needs at least one rule (a rotation or a person)", at: map["rules"] ?? node) }
        for ruleNode in ruleNodes {
            guard let rule = reader.map(ruleNode, "\(what): rule") else { continue }
            rule.allowKeys(["rotation", "person", "days", "from", "to"])
            let source: ScheduleRule.Source
            if rule.has("rotation") == rule.has("person") {
                reader.error("\(what): each rule names exactly one of 'rotation' or 'person'", at: ruleNode)
                continue
            } else if let r = rule.string("rotation") {
                refer(.rotation, r, rule["rotation"], "\(what): rule")
                source = .rotation(r)
            } else if let p = rule.string("person") {
                refer(.person, p, rule["person"], "\(what): rule")
                source = .person(p)
            } else { continue }
            guard let window = rule.window() else { continue }
            rules.append(ScheduleRule(source: source, window: window))
        }
        var overrides: [ScheduleOverride] = []
        var parsed: [(ScheduleOverride, Node)] = []
        for overrideNode in reader.list(map["overrides"], "\(what): 'overrides'") {
            guard let o = parseOverride(overrideNode, what: what) else { continue }
            defer { parsed.append((o, overrideNode)) }
            if let (other, otherNode) = parsed.first(where: { $0.0.conflicts(with: o) }) {
                let shared = o.people.intersection(other.people).sorted().joined(separator: ", ")
                reader.error("\(what): override conflicts with the override at line \(otherNode.mark?.line ?? 0): "
                             + "their periods overlap and both concern \(shared)", at: overrideNode)
                continue
            }
            overrides.append(o)
        }
        guard let zone else { return nil }
        return Schedule(id: id, name: named.string("name"), timeZone: zone, rules: rules, overrides: overrides)
    }

    private func parseOverride(_ node: Node, what: String) -> ScheduleOverride? {
        guard let map = reader.map(node, "\(what): override") else { return nil }
        map.allowKeys(["add", "remove", "replace", "with", "from", "to", "note"])
        let kinds = ["add", "remove", "replace"].filter { map.has($0) }
        guard kinds.count == 1 else {
            reader.error("\(what): an override is exactly one of add, remove or replace (with 'with')", at: node)
            return nil
        }
        let from = map.instant("from", required: true)
        let to = map.instant("to", required: true)
        var result: (ScheduleOverride.Kind, String)?
        switch kinds[0] {
        case "add", "remove":
            if map.has("with") { reader.error("\(what): 'with' belongs to replace only", at: map["with"]) }
            if let person = map.string(kinds[0], required: true) {
                refer(.person, person, map[kinds[0]], "\(what): override")
                result = (kinds[0] == "add" ? .add : .remove, person)
            }
        default:
            let replaced = map.string("replace", required: true)
            let person = map.string("with", required: true)
            if let replaced { refer(.person, replaced, map["replace"], "\(what): override") }
            if let person { refer(.person, person, map["with"], "\(what): override") }
            if let replaced, let person {
                if replaced == person {
                    reader.error("\(what): an override cannot replace '\(person)' with themselves", at: map["with"])
                } else {
                    result = (.replace(replaced: replaced), person)
                }
            }
        }
        guard let from, let to, let (kind, person) = result else { return nil }
        guard from < to else {
            reader.error("\(what): override 'to' must be after 'from'", at: map["to"])
            return nil
        }
        return ScheduleOverride(kind: kind, person: person, from: from, to: to, note: map.string("note"))
    }

    // MARK: - Policies, customers, routes

    private func parsePolicy(_ node: Node) -> EscalationPolicy? {
        guard let map = reader.map(node, "policy") else { return nil }
        map.allowKeys(["id", "name", "steps", "repeat", "ack_timeout"])
        guard let id = identifier(map, section: "policy") else { return nil }
        let what = "policy '\(id)'"
        let named = YAMLMap(reader: reader, node: node, mapping: map.mapping, what: what)
        let repeatCount = named.int("repeat", range: 0...20) ?? 0
        let ackTimeout = named.duration("ack_timeout", minimum: .minutes(1))
        let stepNodes = reader.list(map["steps"], "\(what): 'steps'")
        if stepNodes.isEmpty { reader.error("\(what): needs at least one step", at: map["steps"] ?? node) }
        var steps: [EscalationStep] = []
        for (index, stepNode) in stepNodes.enumerated() {
            let stepWhat = "\(what) step \(index + 1)"
            guard let step = reader.map(stepNode, stepWhat) else { continue }
            step.allowKeys(["name", "targets", "delay", "only"])
            let targets = reader.list(step["targets"], "\(stepWhat): 'targets'").compactMap { parseTarget($0, what: stepWhat) }
            if targets.isEmpty { reader.error("\(stepWhat): needs at least one target", at: step["targets"] ?? stepNode) }
            guard step.has("delay") else {
                reader.error("\(stepWhat): 'delay' is required (how long to wait for an acknowledgement, e.g. 10m)", at: stepNode)
                continue
            }
            guard let delay = step.duration("delay", minimum: .minutes(1)) else { continue }
            let only = step["only"].flatMap { parseMatch($0, what: "\(stepWhat): 'only'") }
            steps.append(EscalationStep(name: step.string("name"), targets: targets, delay: delay, only: only))
        }
        guard steps.count == stepNodes.count, !steps.isEmpty else { return nil }
        return EscalationPolicy(id: id, name: named.string("name"), steps: steps, repeatCount: repeatCount, ackTimeout: ackTimeout)
    }

    /// `service_manager`, `{person: x}`, `{schedule: x}`, `{rotation: x}`, `{channel: x}`, `{manager_of: {schedule: x}}`.
    private func parseTarget(_ node: Node, what: String) -> EscalationTarget? {
        if case .scalar(let scalar) = node {
            if scalar.string == "service_manager" { return .serviceManager }
            reader.error("\(what): a target is service_manager or one of {person|schedule|rotation|channel|manager_of: …}", at: node)
            return nil
        }
        guard let map = reader.map(node, "\(what): target") else { return nil }
        map.allowKeys(["person", "schedule", "rotation", "channel", "manager_of"])
        guard map.mapping.count == 1, let key = map.mapping.keys.first?.string, let value = map[key] else {
            reader.error("\(what): a target has exactly one key", at: node)
            return nil
        }
        if key == "manager_of" {
            guard let inner = parseTarget(value, what: what) else { return nil }
            if case .channel = inner {
                reader.error("\(what): a channel has no manager", at: value)
                return nil
            }
            return .managerOf(inner)
        }
        guard let id = reader.string(value, "\(what): '\(key)'")?.trimmed else { return nil }
        switch key {
        case "person": refer(.person, id, value, what); return .person(id)
        case "schedule": refer(.schedule, id, value, what); return .schedule(id)
        case "rotation": refer(.rotation, id, value, what); return .rotation(id)
        default: refer(.channel, id, value, what); return .channel(id)
        }
    }

    private func parseMatch(_ node: Node, what: String) -> IncidentMatch? {
        guard let map = reader.map(node, what) else { return nil }
        map.allowKeys(["customer", "priority", "level", "urgency", "scenario"])
        var match = IncidentMatch()
        for (text, n) in reader.strings(map["customer"], "\(what): 'customer'") {
            let customer = CustomerID(text)
            if customer.isWellFormed { match.customers.insert(customer) } else { reader.error("\(what): '\(text)' is not a customer id", at: n) }
        }
        for (text, n) in reader.strings(map["priority"], "\(what): 'priority'") {
            if let p = Priority(label: text) { match.priorities.insert(p) } else { reader.error("\(what): '\(text)' is not P1 … P5", at: n) }
        }
        for (text, n) in reader.strings(map["level"], "\(what): 'level'") {
            if let l = Level(rawValue: text) { match.levels.insert(l) } else {
                reader.error("\(what): '\(text)' is not a level (informational, low, medium, high, critical)", at: n)
            }
        }
        if map.has("urgency") { match.urgencies = urgencies(map["urgency"], "\(what): 'urgency'") }
        match.scenarios = Set(reader.strings(map["scenario"], "\(what): 'scenario'").map(\.0))
        return match
    }

    private func parseCustomer(_ node: Node) -> CustomerOnCall? {
        guard let map = reader.map(node, "customer") else { return nil }
        map.allowKeys(["id", "name", "time_zone", "service_manager", "policy", "channel_switches"])
        guard let id = identifier(map, section: "customer") else { return nil }
        let what = "customer '\(id)'"
        let named = YAMLMap(reader: reader, node: node, mapping: map.mapping, what: what)
        let zone = named.zone("time_zone", fallback: "UTC") ?? "UTC"
        var serviceManager: EscalationTarget?
        if let smNode = map["service_manager"], let target = parseTarget(smNode, what: "\(what): service_manager") {
            switch target {
            case .person, .schedule: serviceManager = target
            default: reader.error("\(what): service_manager must be {person: …} or {schedule: …}", at: smNode)
            }
        }
        var policy: String?
        if let p = named.string("policy") {
            refer(.policy, p, map["policy"], "\(what): 'policy'")
            policy = p
        }
        var switches: [ChannelSwitch] = []
        for switchNode in reader.list(map["channel_switches"], "\(what): channel_switches") {
            let switchWhat = "\(what): channel switch"
            guard let s = reader.map(switchNode, switchWhat) else { continue }
            s.allowKeys(["scenario", "channel", "days", "from", "to", "enabled", "requested_by", "note"])
            guard s.has("scenario") else { reader.error("\(switchWhat): 'scenario' is required ('*' for all)", at: switchNode); continue }
            let scenarios = Set(reader.strings(s["scenario"], "\(switchWhat): 'scenario'").map(\.0)).subtracting(["*"])
            guard let channelText = s.string("channel", required: true) else { continue }
            guard let channel = ContactKind(rawValue: channelText) else {
                reader.error("\(switchWhat): unknown channel '\(channelText)'", at: s["channel"])
                continue
            }
            guard s.has("enabled"), let enabled = s.bool("enabled") else {
                if !s.has("enabled") { reader.error("\(switchWhat): 'enabled' (true or false) is required", at: switchNode) }
                continue
            }
            guard let window = s.window() else { continue }
            switches.append(ChannelSwitch(scenarios: scenarios, channel: channel, window: window, enabled: enabled,
                                          requestedBy: s.string("requested_by"), note: s.string("note")))
        }
        return CustomerOnCall(id: CustomerID(id), name: named.string("name"), timeZone: zone, serviceManager: serviceManager,
                              policy: policy, channelSwitches: switches)
    }

    private func parseRoute(_ node: Node) -> Route? {
        guard let map = reader.map(node, "route") else { return nil }
        map.allowKeys(["match", "policy"])
        guard let policy = map.string("policy", required: true) else { return nil }
        refer(.policy, policy, map["policy"], "route")
        guard let matchNode = map["match"] else {
            reader.error("route: 'match' is required (use default_policy for a catch-all)", at: node)
            return nil
        }
        guard let match = parseMatch(matchNode, what: "route 'match'") else { return nil }
        return Route(match: match, policy: policy)
    }

    // MARK: - Providers

    private func parseProviders(_ node: Node) -> ProviderSettings {
        var settings = ProviderSettings()
        guard let map = reader.map(node, "providers") else { return settings }
        map.allowKeys(["webhook", "slack", "telegram", "twilio", "smtp", "ack", "retry"])
        if let n = map["webhook"], let m = reader.map(n, "providers.webhook") {
            m.allowKeys(["signing_secret", "timeout"])
            settings.webhook = WebhookSettings(signingSecret: m["signing_secret"].flatMap { secret($0, "providers.webhook: 'signing_secret'") },
                                               timeout: m.duration("timeout", minimum: .seconds(1)) ?? .seconds(10))
        }
        if let n = map["slack"], let m = reader.map(n, "providers.slack") {
            m.allowKeys(["timeout"])
            settings.slack = SlackSettings(timeout: m.duration("timeout", minimum: .seconds(1)) ?? .seconds(10))
        }
        if let n = map["telegram"], let m = reader.map(n, "providers.telegram") {
            m.allowKeys(["base_url", "bot_token", "timeout"])
            let base = url(m, "base_url", required: false) ?? "https://api.telegram.org"
            if let token = requiredSecret(m, "bot_token") {
                settings.telegram = TelegramSettings(baseURL: base, botToken: token, timeout: m.duration("timeout", minimum: .seconds(1)) ?? .seconds(10))
            }
        }
        if let n = map["twilio"], let m = reader.map(n, "providers.twilio") {
            m.allowKeys(["base_url", "account_sid", "auth_token", "from", "timeout"])
            let base = url(m, "base_url", required: false) ?? "https://api.twilio.com"
            let sid = m.string("account_sid", required: true)
            if let sid, !sid.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) }) {
                reader.error("providers.twilio: 'account_sid' must be letters and digits", at: m["account_sid"])
            }
            let from = m.string("from", required: true)
            if let from, let problem = ContactAddressValidator.phoneProblem(from) { reader.error("providers.twilio: 'from': \(problem)", at: m["from"]) }
            if let token = requiredSecret(m, "auth_token"), let sid, let from {
                settings.twilio = TwilioSettings(baseURL: base, accountSID: sid, authToken: token, from: from,
                                                 timeout: m.duration("timeout", minimum: .seconds(1)) ?? .seconds(10))
            }
        }
        if let n = map["smtp"], let m = reader.map(n, "providers.smtp") {
            m.allowKeys(["host", "port", "security", "username", "password", "auth", "from", "helo", "timeout"])
            let host = m.string("host", required: true)
            let port = m.int("port", range: 1...65535)
            var security = SMTPSettings.Security.startTLS
            if let s = m.string("security") {
                if let value = SMTPSettings.Security(rawValue: s) { security = value } else {
                    reader.error("providers.smtp: 'security' must be starttls, tls or none", at: m["security"])
                }
            }
            var mechanism = SMTPSettings.AuthMechanism.plain
            if let a = m.string("auth") {
                if let value = SMTPSettings.AuthMechanism(rawValue: a.uppercased()) { mechanism = value } else {
                    reader.error("providers.smtp: 'auth' must be plain or login", at: m["auth"])
                }
            }
            let username = m.string("username")
            let password = m["password"].flatMap { secret($0, "providers.smtp: 'password'") }
            if (username == nil) != (password == nil) {
                reader.error("providers.smtp: 'username' and 'password' go together", at: m["username"] ?? m["password"])
            }
            let from = m.string("from", required: true)
            if let from, let problem = ContactAddressValidator.emailProblem(EmailAddress.bareAddress(from)) {
                reader.error("providers.smtp: 'from': \(problem)", at: m["from"])
            }
            if let host, let from {
                settings.smtp = SMTPSettings(
                    host: host, port: port ?? (security == .tls ? 465 : 587), security: security, username: username,
                    password: password, authMechanism: mechanism, from: from, heloName: m.string("helo") ?? "vigil.localdomain",
                    timeout: m.duration("timeout", minimum: .seconds(1)) ?? .seconds(30))
            }
        }
        if let n = map["ack"], let m = reader.map(n, "providers.ack") {
            m.allowKeys(["base_url", "secret", "link_lifetime"])
            if let base = url(m, "base_url", required: true), let s = requiredSecret(m, "secret") {
                settings.ack = AckSettings(baseURL: base, secret: s, linkLifetime: m.duration("link_lifetime", minimum: .minutes(5)) ?? .hours(24))
            }
        }
        if let n = map["retry"], let m = reader.map(n, "providers.retry") {
            m.allowKeys(["max_attempts", "initial_backoff", "max_backoff", "multiplier"])
            settings.retry = RetryPolicy(
                maxAttempts: m.int("max_attempts", range: 1...20) ?? 4,
                initialBackoff: m.duration("initial_backoff", minimum: .seconds(1)) ?? .seconds(15),
                multiplier: Int64(m.int("multiplier", range: 1...10) ?? 2),
                maxBackoff: m.duration("max_backoff", minimum: .seconds(1)) ?? .minutes(5))
        }
        return settings
    }

    private func url(_ map: YAMLMap, _ key: String, required: Bool) -> String? {
        guard let text = map.string(key, required: required)?.trimmed else { return nil }
        if let problem = ContactAddressValidator.urlProblem(text, allowHTTP: true) {
            reader.error("\(map.what): '\(key)': \(problem)", at: map[key])
            return nil
        }
        return text.hasSuffix("/") ? String(text.dropLast()) : text
    }

    private func requiredSecret(_ map: YAMLMap, _ key: String) -> SecretReference? {
        guard let node = map[key] else {
            reader.error("\(map.what): '\(key)' is required, as {file: PATH} or {env: NAME}", at: map.mark)
            return nil
        }
        return secret(node, "\(map.what): '\(key)'")
    }

    /// `{file: /etc/vigil/x.key}` or `{env: NAME}`; never the secret itself.
    private func secret(_ node: Node, _ what: String) -> SecretReference? {
        guard case .mapping = node else {
            reader.error("\(what) must be {file: PATH} or {env: NAME}; secrets never go into this file", at: node)
            return nil
        }
        guard let map = reader.map(node, what) else { return nil }
        map.allowKeys(["file", "env"])
        if map.has("file") == map.has("env") {
            reader.error("\(what) needs exactly one of 'file' or 'env'", at: node)
            return nil
        }
        if map.has("file") { return map.string("file", required: true).map(SecretReference.file) }
        return map.string("env", required: true).map(SecretReference.environment)
    }
}
