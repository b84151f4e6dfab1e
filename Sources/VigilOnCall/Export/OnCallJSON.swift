import VigilDetection
import VigilEvents
import VigilIncidents

/// The on-call objects as JSON shaped like the YAML file (`{schedule: l1-duty}`, `delay: 10m`, `days: [mon, tue]`),
/// for jsonb columns analysts can read, the configuration audit, and `vigil oncall apply`'s diff.
public enum OnCallJSON {
    // MARK: Objects

    public static func person(_ p: Person) -> JSONValue {
        var o: [String: JSONValue] = [
            "id": .string(p.id), "name": .string(p.name), "time_zone": .string(p.timeZone),
            "contacts": .array(p.contacts.map(contact)), "notification": notification(p.notification),
        ]
        if !p.roles.isEmpty { o["roles"] = .array(p.roles.map(JSONValue.string)) }
        if let m = p.manager { o["manager"] = .string(m) }
        return .object(o)
    }

    public static func contact(_ c: ContactMethod) -> JSONValue {
        .object(["id": .string(c.id), "type": .string(c.kind.rawValue), "address": .string(c.address)])
    }

    public static func notification(_ n: NotificationPreferences) -> JSONValue {
        var o: [String: JSONValue] = ["business_hours": .object(window(n.businessHours))]
        if let q = n.quietHours {
            var qo = window(q.window)
            qo["allow"] = .array(PagingUrgency.allCases.filter(q.allow.contains).map { .string($0.rawValue) })
            o["quiet_hours"] = .object(qo)
        }
        if !n.rules.isEmpty { o["rules"] = .array(n.rules.map(rule)) }
        return .object(o)
    }

    public static func rule(_ r: NotificationRule) -> JSONValue {
        var o: [String: JSONValue] = [
            "urgency": .array(PagingUrgency.allCases.filter(r.urgencies.contains).map { .string($0.rawValue) }),
            "channels": .array(r.channels.map { .string($0.rawValue) }),
        ]
        if r.delay != .zero { o["delay"] = .string(r.delay.description) }
        if r.when != .always { o["when"] = .string(r.when.rawValue) }
        return .object(o)
    }

    public static func channel(_ c: SharedChannel) -> JSONValue {
        .object(["id": .string(c.id), "name": .string(c.name), "type": .string(c.contact.kind.rawValue), "address": .string(c.contact.address)])
    }

    public static func rotation(_ r: Rotation) -> JSONValue {
        .object([
            "id": .string(r.id), "name": .string(r.name), "time_zone": .string(r.timeZone), "shift": shift(r.shift),
            "start": .string(Rotation.localText(r.start)), "participants": .array(r.participants.map(JSONValue.string)),
        ])
    }

    public static func shift(_ s: ShiftLength) -> JSONValue {
        switch s {
        case .hours(1): .string("hourly")
        case .days(1): .string("daily")
        case .weeks(1): .string("weekly")
        case .months(1): .string("monthly")
        case .hours(let n): .object(["hours": .int(Int64(n))])
        case .days(let n): .object(["days": .int(Int64(n))])
        case .weeks(let n): .object(["weeks": .int(Int64(n))])
        case .months(let n): .object(["months": .int(Int64(n))])
        case .custom(let span): .object(["length": .string(span.description)])
        }
    }

    /// A schedule; `overrides` lets the caller leave out overrides that are not part of the file.
    public static func schedule(_ s: Schedule, overrides: [ScheduleOverride]? = nil) -> JSONValue {
        .object([
            "id": .string(s.id), "name": .string(s.name), "time_zone": .string(s.timeZone),
            "rules": .array(s.rules.map(scheduleRule)), "overrides": .array((overrides ?? s.overrides).map(override)),
        ])
    }

    public static func scheduleRule(_ r: ScheduleRule) -> JSONValue {
        var o = window(r.window)
        switch r.source {
        case .rotation(let id): o["rotation"] = .string(id)
        case .person(let id): o["person"] = .string(id)
        }
        return .object(o)
    }

    public static func override(_ o: ScheduleOverride) -> JSONValue {
        var out: [String: JSONValue] = ["from": .string(o.from.rfc3339), "to": .string(o.to.rfc3339)]
        switch o.kind {
        case .add: out["add"] = .string(o.person)
        case .remove: out["remove"] = .string(o.person)
        case .replace(let replaced):
            out["replace"] = .string(replaced)
            out["with"] = .string(o.person)
        }
        if let note = o.note { out["note"] = .string(note) }
        return .object(out)
    }

    public static func policy(_ p: EscalationPolicy) -> JSONValue {
        var o: [String: JSONValue] = [
            "id": .string(p.id), "name": .string(p.name), "repeat": .int(Int64(p.repeatCount)), "steps": .array(p.steps.map(step)),
        ]
        if let t = p.ackTimeout { o["ack_timeout"] = .string(t.description) }
        return .object(o)
    }

    public static func step(_ s: EscalationStep) -> JSONValue {
        var o: [String: JSONValue] = ["targets": .array(s.targets.map(target)), "delay": .string(s.delay.description)]
        if let name = s.name { o["name"] = .string(name) }
        if let only = s.only { o["only"] = match(only) }
        return .object(o)
    }

    public static func customer(_ c: CustomerOnCall) -> JSONValue {
        var o: [String: JSONValue] = [
            "id": .string(c.id.rawValue), "name": .string(c.name), "time_zone": .string(c.timeZone),
            "channel_switches": .array(c.channelSwitches.map(channelSwitch)),
        ]
        if let sm = c.serviceManager { o["service_manager"] = target(sm) }
        if let p = c.policy { o["policy"] = .string(p) }
        return .object(o)
    }

    public static func channelSwitch(_ s: ChannelSwitch) -> JSONValue {
        var o = window(s.window)
        o["scenario"] = .array(s.scenarios.sorted().map(JSONValue.string))
        o["channel"] = .string(s.channel.rawValue)
        o["enabled"] = .bool(s.enabled)
        if let r = s.requestedBy { o["requested_by"] = .string(r) }
        if let n = s.note { o["note"] = .string(n) }
        return .object(o)
    }

    public static func route(_ r: Route) -> JSONValue {
        .object(["match": match(r.match), "policy": .string(r.policy)])
    }

    /// Provider settings; secrets appear only as references (`{env: NAME}`, `{file: PATH}`).
    public static func providers(_ p: ProviderSettings) -> JSONValue {
        var o: [String: JSONValue] = [
            "webhook": .object(["timeout": .string(p.webhook.timeout.description)].merging(
                p.webhook.signingSecret.map { ["signing_secret": secret($0)] } ?? [:]) { a, _ in a }),
            "slack": .object(["timeout": .string(p.slack.timeout.description)]),
            "retry": .object([
                "max_attempts": .int(Int64(p.retry.maxAttempts)), "initial_backoff": .string(p.retry.initialBackoff.description),
                "max_backoff": .string(p.retry.maxBackoff.description), "multiplier": .int(p.retry.multiplier),
            ]),
        ]
        if let t = p.telegram {
            o["telegram"] = .object(["base_url": .string(t.baseURL), "bot_token": secret(t.botToken), "timeout": .string(t.timeout.description)])
        }
        if let t = p.twilio {
            o["twilio"] = .object(["base_url": .string(t.baseURL), "account_sid": .string(t.accountSID), "auth_token": secret(t.authToken),
                                   "from": .string(t.from), "timeout": .string(t.timeout.description)])
        }
        if let s = p.smtp {
            var so: [String: JSONValue] = [
                "host": .string(s.host), "port": .int(Int64(s.port)), "security": .string(s.security.rawValue),
                "auth": .string(s.authMechanism.rawValue.lowercased()), "from": .string(s.from), "helo": .string(s.heloName),
                "timeout": .string(s.timeout.description),
            ]
            if let u = s.username { so["username"] = .string(u) }
            if let pw = s.password { so["password"] = secret(pw) }
            o["smtp"] = .object(so)
        }
        if let a = p.ack {
            o["ack"] = .object(["base_url": .string(a.baseURL), "secret": secret(a.secret), "link_lifetime": .string(a.linkLifetime.description)])
        }
        return .object(o)
    }

    public static func secret(_ s: SecretReference) -> JSONValue {
        switch s {
        case .environment(let name): .object(["env": .string(name)])
        case .file(let path): .object(["file": .string(path)])
        }
    }

    // MARK: Targets, matches and windows (read back from jsonb too)

    public static func target(_ t: EscalationTarget) -> JSONValue {
        switch t {
        case .person(let id): .object(["person": .string(id)])
        case .schedule(let id): .object(["schedule": .string(id)])
        case .rotation(let id): .object(["rotation": .string(id)])
        case .channel(let id): .object(["channel": .string(id)])
        case .serviceManager: .string("service_manager")
        case .managerOf(let inner): .object(["manager_of": target(inner)])
        }
    }

    public static func target(from json: JSONValue) -> EscalationTarget? {
        if json.stringValue == "service_manager" { return .serviceManager }
        guard let o = json.objectValue, o.count == 1, let (key, value) = o.first else { return nil }
        if key == "manager_of" { return target(from: value).map { .managerOf($0) } }
        guard let id = value.stringValue else { return nil }
        switch key {
        case "person": return .person(id)
        case "schedule": return .schedule(id)
        case "rotation": return .rotation(id)
        case "channel": return .channel(id)
        default: return nil
        }
    }

    public static func match(_ m: IncidentMatch) -> JSONValue {
        var o: [String: JSONValue] = [:]
        if !m.customers.isEmpty { o["customer"] = .array(m.customers.map(\.rawValue).sorted().map(JSONValue.string)) }
        if !m.priorities.isEmpty { o["priority"] = .array(m.priorities.sorted { $0.rawValue < $1.rawValue }.map { .string($0.label) }) }
        if !m.levels.isEmpty { o["level"] = .array(Level.allCases.filter(m.levels.contains).map { .string($0.rawValue) }) }
        if !m.urgencies.isEmpty { o["urgency"] = .array(PagingUrgency.allCases.filter(m.urgencies.contains).map { .string($0.rawValue) }) }
        if !m.scenarios.isEmpty { o["scenario"] = .array(m.scenarios.sorted().map(JSONValue.string)) }
        return .object(o)
    }

    public static func match(from json: JSONValue) -> IncidentMatch? {
        guard let o = json.objectValue else { return nil }
        var m = IncidentMatch()
        for (key, value) in o {
            guard let items = value.stringList else { return nil }
            switch key {
            case "customer": m.customers = Set(items.map { CustomerID($0) })
            case "priority":
                let p = items.compactMap { Priority(label: $0) }
                guard p.count == items.count else { return nil }
                m.priorities = Set(p)
            case "level":
                let l = items.compactMap(Level.init(rawValue:))
                guard l.count == items.count else { return nil }
                m.levels = Set(l)
            case "urgency":
                let u = items.compactMap(PagingUrgency.init(rawValue:))
                guard u.count == items.count else { return nil }
                m.urgencies = Set(u)
            case "scenario": m.scenarios = Set(items)
            default: return nil
            }
        }
        return m
    }

    /// `days` (left out when every day), `from`, `to` (left out when all day).
    public static func window(_ w: TimeWindow) -> [String: JSONValue] {
        var o: [String: JSONValue] = [:]
        if w.days.count < 7 { o["days"] = .array(w.days.sorted().map { .string($0.shortName) }) }
        if w.from != w.to || w.from != .midnight {
            o["from"] = .string(w.from.description)
            o["to"] = .string(w.to.description)
        }
        return o
    }
}
