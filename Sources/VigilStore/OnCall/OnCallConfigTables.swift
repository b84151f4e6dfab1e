import Foundation
import Logging
import PostgresNIO
import VigilEvents
import VigilOnCall

/// Writes an `OnCallConfig` into the `vigil.oncall_*` tables and reads it back. Every value is a bound parameter;
/// nested values (targets, matches) are jsonb in the YAML's shape (``OnCallJSON``).
enum OnCallConfigTables {
    /// The tables an apply empties (file overrides only; command-line overrides stay), children first.
    static let clearStatements: [PostgresQuery] = [
        "DELETE FROM vigil.oncall_routes",
        "DELETE FROM vigil.oncall_channel_switches",
        "DELETE FROM vigil.oncall_customers",
        "DELETE FROM vigil.oncall_policy_steps",
        "DELETE FROM vigil.oncall_policies",
        "DELETE FROM vigil.oncall_overrides WHERE source = 'file'",
        "DELETE FROM vigil.oncall_schedule_rules",
        "DELETE FROM vigil.oncall_schedules",
        "DELETE FROM vigil.oncall_rotations",
        "DELETE FROM vigil.oncall_channels",
        "DELETE FROM vigil.oncall_notification_rules",
        "DELETE FROM vigil.oncall_contacts",
        "DELETE FROM vigil.oncall_people",
    ]

    // MARK: Writing

    /// Inserts every object of `config` (its schedules' overrides as `file` overrides). The tables must be empty.
    static func insert(_ config: OnCallConfig, actor: String, at now: Timestamp, on c: PostgresConnection, logger: Logger) async throws {
        for (position, p) in config.people.enumerated() {
            let bh = p.notification.businessHours
            let qh = p.notification.quietHours
            try await c.query("""
                INSERT INTO vigil.oncall_people (id, position, name, roles, manager_id, time_zone, business_days, business_from, business_to,
                                                 quiet_days, quiet_from, quiet_to, quiet_allow)
                VALUES (\(p.id), \(position), \(p.name.postgresSafe), \(p.roles.postgresSafe), \(p.manager), \(p.timeZone),
                        \(days(bh.days)), \(bh.from.description), \(bh.to.description), \(qh.map { days($0.window.days) }),
                        \(qh?.window.from.description), \(qh?.window.to.description), \(qh.map { urgencies($0.allow) }))
                """, logger: logger)
            for (index, contact) in p.contacts.enumerated() {
                try await c.query("""
                    INSERT INTO vigil.oncall_contacts (id, person_id, position, kind, address)
                    VALUES (\(contact.id), \(p.id), \(index), \(contact.kind.rawValue), \(contact.address.postgresSafe))
                    """, logger: logger)
            }
            for (index, rule) in p.notification.rules.enumerated() {
                try await c.query("""
                    INSERT INTO vigil.oncall_notification_rules (person_id, position, urgencies, channels, delay, timing)
                    VALUES (\(p.id), \(index), \(urgencies(rule.urgencies)), \(rule.channels.map(\.rawValue)),
                            \(milliseconds(rule.delay)) * interval '1 millisecond', \(rule.when.rawValue))
                    """, logger: logger)
            }
        }
        for (position, ch) in config.channels.enumerated() {
            try await c.query("""
                INSERT INTO vigil.oncall_channels (id, position, name, contact_id, kind, address)
                VALUES (\(ch.id), \(position), \(ch.name.postgresSafe), \(ch.contact.id), \(ch.contact.kind.rawValue), \(ch.contact.address.postgresSafe))
                """, logger: logger)
        }
        for (position, r) in config.rotations.enumerated() {
            let (unit, count, length) = shiftColumns(r.shift)
            try await c.query("""
                INSERT INTO vigil.oncall_rotations (id, position, name, time_zone, shift_unit, shift_count, shift_length, start_local, participants)
                VALUES (\(r.id), \(position), \(r.name.postgresSafe), \(r.timeZone), \(unit), \(count),
                        \(length) * interval '1 millisecond', \(localText(r.start))::timestamp, \(r.participants))
                """, logger: logger)
        }
        for (position, s) in config.schedules.enumerated() {
            try await c.query("""
                INSERT INTO vigil.oncall_schedules (id, position, name, time_zone) VALUES (\(s.id), \(position), \(s.name.postgresSafe), \(s.timeZone))
                """, logger: logger)
            for (index, rule) in s.rules.enumerated() {
                var rotation: String?, person: String?
                switch rule.source {
                case .rotation(let id): rotation = id
                case .person(let id): person = id
                }
                try await c.query("""
                    INSERT INTO vigil.oncall_schedule_rules (schedule_id, position, rotation_id, person_id, days, from_time, to_time)
                    VALUES (\(s.id), \(index), \(rotation), \(person), \(days(rule.window.days)), \(rule.window.from.description), \(rule.window.to.description))
                    """, logger: logger)
            }
            for (index, o) in s.overrides.enumerated() {
                try await insertOverride(o, schedule: s.id, position: index, source: .file, actor: actor, at: now, on: c, logger: logger)
            }
        }
        for (position, p) in config.policies.enumerated() {
            try await c.query("""
                INSERT INTO vigil.oncall_policies (id, position, name, repeat_count, ack_timeout)
                VALUES (\(p.id), \(position), \(p.name.postgresSafe), \(p.repeatCount), \(p.ackTimeout.map(milliseconds)) * interval '1 millisecond')
                """, logger: logger)
            for (index, step) in p.steps.enumerated() {
                try await c.query("""
                    INSERT INTO vigil.oncall_policy_steps (policy_id, position, name, targets, delay, only_match)
                    VALUES (\(p.id), \(index), \(step.name?.postgresSafe), \(JSONValue.array(step.targets.map(OnCallJSON.target)).text)::jsonb,
                            \(milliseconds(step.delay)) * interval '1 millisecond', \(step.only.map { OnCallJSON.match($0).text })::jsonb)
                    """, logger: logger)
            }
        }
        for (position, cu) in config.customers.enumerated() {
            try await c.query("""
                INSERT INTO vigil.oncall_customers (customer_id, position, name, time_zone, service_manager, policy_id)
                VALUES (\(cu.id.rawValue), \(position), \(cu.name.postgresSafe), \(cu.timeZone),
                        \(cu.serviceManager.map { OnCallJSON.target($0).text })::jsonb, \(cu.policy))
                """, logger: logger)
            for (index, sw) in cu.channelSwitches.enumerated() {
                try await c.query("""
                    INSERT INTO vigil.oncall_channel_switches (customer_id, position, scenarios, channel, days, from_time, to_time, enabled, requested_by, note)
                    VALUES (\(cu.id.rawValue), \(index), \(sw.scenarios.sorted()), \(sw.channel.rawValue), \(days(sw.window.days)),
                            \(sw.window.from.description), \(sw.window.to.description), \(sw.enabled), \(sw.requestedBy?.postgresSafe), \(sw.note?.postgresSafe))
                    """, logger: logger)
            }
        }
        for (index, route) in config.routes.enumerated() {
            try await c.query("""
                INSERT INTO vigil.oncall_routes (position, match, policy_id) VALUES (\(index + 1), \(OnCallJSON.match(route.match).text)::jsonb, \(route.policy))
                """, logger: logger)
        }
    }

    /// Inserts one override; returns its number.
    @discardableResult
    static func insertOverride(_ o: ScheduleOverride, schedule: String, position: Int, source: StoredOverride.Source, actor: String,
                               at now: Timestamp, on c: PostgresConnection, logger: Logger) async throws -> Int64 {
        var kind = "add", replaced: String?
        switch o.kind {
        case .add: kind = "add"
        case .remove: kind = "remove"
        case .replace(let r): kind = "replace"; replaced = r
        }
        let rows = try await c.query("""
            INSERT INTO vigil.oncall_overrides (schedule_id, position, kind, person_id, replaced_person_id, starts_at, ends_at, note, source,
                                                created_by, created_at)
            VALUES (\(schedule), \(position), \(kind), \(o.person), \(replaced), \(o.from.date), \(o.to.date), \(o.note?.postgresSafe),
                    \(source.rawValue), \(actor.postgresSafe), \(now.date))
            RETURNING id
            """, logger: logger)
        var id: Int64 = 0
        for try await value in rows.decode(Int64.self) { id = value }
        return id
    }

    // MARK: Reading

    /// The stored configuration, or nil when nothing has been applied.
    static func load(on c: PostgresConnection, logger: Logger) async throws -> StoredOnCallConfig? {
        var header: (revision: Int64, defaultPolicy: String?, providers: String, file: String, sha: String, at: Date, by: String)?
        for try await row in try await c.query("""
            SELECT revision, default_policy, providers::text, source_file, source_sha256, applied_at, applied_by FROM vigil.oncall_settings
            """, logger: logger).decode((Int64, String?, String, String, String, Date, String).self) {
            header = row
        }
        guard let header else { return nil }
        var config = OnCallConfig(defaultPolicy: header.defaultPolicy)
        guard let providers = OnCallJSON.providers(from: try JSONValue(parsing: header.providers)) else {
            throw invalid("provider settings")
        }
        config.providers = providers

        // People, their contacts and notification rules.
        var contacts: [String: [ContactMethod]] = [:]
        for try await (id, person, kind, address) in try await c.query("""
            SELECT id, person_id, kind, address FROM vigil.oncall_contacts ORDER BY person_id, position
            """, logger: logger).decode((String, String, String, String).self) {
            contacts[person, default: []].append(ContactMethod(id: id, kind: try contactKind(kind), address: address))
        }
        var rules: [String: [NotificationRule]] = [:]
        for try await (person, urgencyList, channels, delayMS, timing) in try await c.query("""
            SELECT person_id, urgencies, channels, (extract(epoch FROM delay) * 1000)::int8, timing
            FROM vigil.oncall_notification_rules ORDER BY person_id, position
            """, logger: logger).decode((String, [String], [String], Int64, String).self) {
            guard let when = NotificationRule.Timing(rawValue: timing) else { throw invalid("notification rule timing '\(timing)'") }
            rules[person, default: []].append(NotificationRule(urgencies: try urgencySet(urgencyList), channels: try channels.map(contactKind),
                                                               delay: .milliseconds(delayMS), when: when))
        }
        for try await (id, name, roles, manager, zone, bDays, bFrom, bTo, qDays, qFrom, qTo, qAllow) in try await c.query("""
            SELECT id, name, roles, manager_id, time_zone, business_days, business_from, business_to, quiet_days, quiet_from, quiet_to, quiet_allow
            FROM vigil.oncall_people ORDER BY position
            """, logger: logger).decode((String, String, [String], String?, String, [String], String, String, [String]?, String?, String?, [String]?).self) {
            var prefs = NotificationPreferences(rules: rules[id] ?? [], businessHours: try window(bDays, bFrom, bTo))
            if let qFrom, let qTo {
                prefs.quietHours = QuietHours(window: try window(qDays ?? [], qFrom, qTo), allow: try urgencySet(qAllow ?? []))
            }
            config.people.append(Person(id: id, name: name, roles: roles, manager: manager, timeZone: zone, contacts: contacts[id] ?? [],
                                        notification: prefs))
        }
        for try await (id, name, contactID, kind, address) in try await c.query("""
            SELECT id, name, contact_id, kind, address FROM vigil.oncall_channels ORDER BY position
            """, logger: logger).decode((String, String, String, String, String).self) {
            config.channels.append(SharedChannel(id: id, name: name, contact: ContactMethod(id: contactID, kind: try contactKind(kind), address: address)))
        }
        for try await (id, name, zone, unit, count, lengthMS, start, participants) in try await c.query("""
            SELECT id, name, time_zone, shift_unit, shift_count, (extract(epoch FROM shift_length) * 1000)::int8,
                   to_char(start_local, 'YYYY-MM-DD"T"HH24:MI:SS'), participants
            FROM vigil.oncall_rotations ORDER BY position
            """, logger: logger).decode((String, String, String, String, Int?, Int64?, String, [String]).self) {
            guard let civil = civil(start) else { throw invalid("rotation \(id) start '\(start)'") }
            config.rotations.append(Rotation(id: id, name: name, timeZone: zone, shift: try shift(unit, count, lengthMS), start: civil,
                                             participants: participants))
        }

        // Schedules with their rules and overrides.
        var scheduleRules: [String: [ScheduleRule]] = [:]
        for try await (schedule, rotation, person, d, from, to) in try await c.query("""
            SELECT schedule_id, rotation_id, person_id, days, from_time, to_time FROM vigil.oncall_schedule_rules ORDER BY schedule_id, position
            """, logger: logger).decode((String, String?, String?, [String], String, String).self) {
            let source: ScheduleRule.Source
            if let rotation { source = .rotation(rotation) } else if let person { source = .person(person) } else { throw invalid("schedule rule of \(schedule)") }
            scheduleRules[schedule, default: []].append(ScheduleRule(source: source, window: try window(d, from, to)))
        }
        let overrides = try await loadOverrides(on: c, logger: logger)
        for try await (id, name, zone) in try await c.query("""
            SELECT id, name, time_zone FROM vigil.oncall_schedules ORDER BY position
            """, logger: logger).decode((String, String, String).self) {
            config.schedules.append(Schedule(id: id, name: name, timeZone: zone, rules: scheduleRules[id] ?? [],
                                             overrides: overrides.filter { $0.schedule == id }.map(\.override)))
        }

        // Policies and steps.
        var steps: [String: [EscalationStep]] = [:]
        for try await (policy, name, targetsJSON, delayMS, onlyJSON) in try await c.query("""
            SELECT policy_id, name, targets::text, (extract(epoch FROM delay) * 1000)::int8, only_match::text
            FROM vigil.oncall_policy_steps ORDER BY policy_id, position
            """, logger: logger).decode((String, String?, String, Int64, String?).self) {
            let targets = try JSONValue(parsing: targetsJSON).arrayValue?.compactMap(OnCallJSON.target(from:))
            guard let targets, !targets.isEmpty else { throw invalid("targets of a step of policy \(policy)") }
            var only: IncidentMatch?
            if let onlyJSON {
                guard let m = OnCallJSON.match(from: try JSONValue(parsing: onlyJSON)) else { throw invalid("only_match of policy \(policy)") }
                only = m
            }
            steps[policy, default: []].append(EscalationStep(name: name, targets: targets, delay: .milliseconds(delayMS), only: only))
        }
        for try await (id, name, repeatCount, ackMS) in try await c.query("""
            SELECT id, name, repeat_count, (extract(epoch FROM ack_timeout) * 1000)::int8 FROM vigil.oncall_policies ORDER BY position
            """, logger: logger).decode((String, String, Int, Int64?).self) {
            config.policies.append(EscalationPolicy(id: id, name: name, steps: steps[id] ?? [], repeatCount: repeatCount,
                                                    ackTimeout: ackMS.map { .milliseconds($0) }))
        }

        // Customers and their channel switches; routes.
        var switches: [String: [ChannelSwitch]] = [:]
        for try await (customer, scenarios, channel, d, from, to, enabled, requestedBy, note) in try await c.query("""
            SELECT customer_id, scenarios, channel, days, from_time, to_time, enabled, requested_by, note
            FROM vigil.oncall_channel_switches ORDER BY customer_id, position
            """, logger: logger).decode((String, [String], String, [String], String, String, Bool, String?, String?).self) {
            switches[customer, default: []].append(ChannelSwitch(scenarios: Set(scenarios), channel: try contactKind(channel),
                                                                 window: try window(d, from, to), enabled: enabled, requestedBy: requestedBy, note: note))
        }
        for try await (id, name, zone, smJSON, policy) in try await c.query("""
            SELECT customer_id, name, time_zone, service_manager::text, policy_id FROM vigil.oncall_customers ORDER BY position
            """, logger: logger).decode((String, String, String, String?, String?).self) {
            var sm: EscalationTarget?
            if let smJSON {
                guard let t = OnCallJSON.target(from: try JSONValue(parsing: smJSON)) else { throw invalid("service manager of customer \(id)") }
                sm = t
            }
            config.customers.append(CustomerOnCall(id: CustomerID(id), name: name, timeZone: zone, serviceManager: sm, policy: policy,
                                                   channelSwitches: switches[id] ?? []))
        }
        for try await (matchJSON, policy) in try await c.query("""
            SELECT match::text, policy_id FROM vigil.oncall_routes ORDER BY position
            """, logger: logger).decode((String, String).self) {
            guard let m = OnCallJSON.match(from: try JSONValue(parsing: matchJSON)) else { throw invalid("route match \(matchJSON)") }
            config.routes.append(Route(match: m, policy: policy))
        }
        return StoredOnCallConfig(config: config, revision: header.revision, sourceFile: header.file, sourceSHA256: header.sha,
                                  appliedAt: Timestamp(date: header.at), appliedBy: header.by, overrides: overrides)
    }

    /// Every override in application order: per schedule, file overrides in file order, then command-line ones by number.
    static func loadOverrides(on c: PostgresConnection, logger: Logger) async throws -> [StoredOverride] {
        var out: [StoredOverride] = []
        for try await (id, schedule, kind, person, replaced, from, to, note, source, by, at) in try await c.query("""
            SELECT id, schedule_id, kind, person_id, replaced_person_id, starts_at, ends_at, note, source, created_by, created_at
            FROM vigil.oncall_overrides ORDER BY schedule_id, (source = 'cli'), position, id
            """, logger: logger).decode((Int64, String, String, String, String?, Date, Date, String?, String, String, Date).self) {
            let k: ScheduleOverride.Kind
            switch (kind, replaced) {
            case ("add", _): k = .add
            case ("remove", _): k = .remove
            case ("replace", let r?): k = .replace(replaced: r)
            default: throw invalid("override \(id) kind '\(kind)'")
            }
            guard let s = StoredOverride.Source(rawValue: source) else { throw invalid("override \(id) source '\(source)'") }
            out.append(StoredOverride(id: id, schedule: schedule,
                                      override: ScheduleOverride(kind: k, person: person, from: Timestamp(date: from), to: Timestamp(date: to), note: note),
                                      source: s, createdBy: by, createdAt: Timestamp(date: at)))
        }
        return out
    }

    // MARK: Column helpers

    static func days(_ set: Set<Weekday>) -> [String] { set.sorted().map(\.shortName) }

    static func urgencies(_ set: Set<PagingUrgency>) -> [String] { PagingUrgency.allCases.filter(set.contains).map(\.rawValue) }

    static func milliseconds(_ span: TimeSpan) -> Int64 { span.nanoseconds / 1_000_000 }

    static func shiftColumns(_ shift: ShiftLength) -> (unit: String, count: Int?, lengthMS: Int64?) {
        switch shift {
        case .hours(let n): ("hours", n, nil)
        case .days(let n): ("days", n, nil)
        case .weeks(let n): ("weeks", n, nil)
        case .months(let n): ("months", n, nil)
        case .custom(let span): ("elapsed", nil, milliseconds(span))
        }
    }

    static func shift(_ unit: String, _ count: Int?, _ lengthMS: Int64?) throws -> ShiftLength {
        switch (unit, count, lengthMS) {
        case ("hours", let n?, _): .hours(n)
        case ("days", let n?, _): .days(n)
        case ("weeks", let n?, _): .weeks(n)
        case ("months", let n?, _): .months(n)
        case ("elapsed", _, let ms?): .custom(.milliseconds(ms))
        default: throw invalid("shift \(unit)")
        }
    }

    static func localText(_ c: CivilDateTime) -> String {
        func pad(_ v: Int, _ w: Int) -> String { String(repeating: "0", count: max(0, w - String(v).count)) + String(v) }
        return "\(pad(c.year, 4))-\(pad(c.month, 2))-\(pad(c.day, 2))T\(pad(c.hour, 2)):\(pad(c.minute, 2)):\(pad(c.second, 2))"
    }

    /// `YYYY-MM-DDTHH:MM:SS`, as `localText` writes it.
    static func civil(_ text: String) -> CivilDateTime? {
        let parts = text.split(separator: "T")
        guard parts.count == 2 else { return nil }
        let d = parts[0].split(separator: "-").compactMap { Int($0) }
        let t = parts[1].split(separator: ":").compactMap { Int($0) }
        guard d.count == 3, t.count == 3 else { return nil }
        return CivilDateTime(year: d[0], month: d[1], day: d[2], hour: t[0], minute: t[1], second: t[2])
    }

    static func window(_ dayNames: [String], _ from: String, _ to: String) throws -> TimeWindow {
        let d = dayNames.compactMap(Weekday.init(name:))
        guard d.count == dayNames.count, let f = TimeOfDay(parsing: from), let t = TimeOfDay(parsing: to) else {
            throw invalid("time window \(dayNames) \(from)-\(to)")
        }
        return TimeWindow(days: Set(d), from: f, to: t)
    }

    static func contactKind(_ text: String) throws -> ContactKind {
        guard let kind = ContactKind(rawValue: text) else { throw invalid("contact kind '\(text)'") }
        return kind
    }

    static func urgencySet(_ texts: [String]) throws -> Set<PagingUrgency> {
        let u = texts.compactMap(PagingUrgency.init(rawValue:))
        guard u.count == texts.count else { throw invalid("urgencies \(texts)") }
        return Set(u)
    }

    static func invalid(_ what: String) -> OnCallStoreError {
        OnCallStoreError(.invalidStoredValue, "the stored on-call configuration has an unreadable \(what)")
    }
}
