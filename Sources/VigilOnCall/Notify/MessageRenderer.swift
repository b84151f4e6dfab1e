import VigilEvents

/// Writes pages in plain words: who is affected, what happened, where, since when, how often,
/// the priority and deadline, what the playbook says to do, and how to acknowledge.
public struct MessageRenderer: Sendable {
    /// Times in messages are shown in this zone (the customer's).
    public var zone: ZoneRules
    public static let smsLimit = 300
    public static let smsTarget = 160

    public init(zone: ZoneRules = .utc) { self.zone = zone }

    /// Renders a page for `incident` at `now`; `stepLabel` says why this person is paged.
    public func render(_ incident: OnCallIncident, recipientName: String? = nil, stepLabel: String? = nil, ackURL: String? = nil,
                       now: Timestamp) -> RenderedPage {
        let customer = incident.customerName ?? incident.customer.rawValue
        let what = incident.title.isEmpty ? incident.ruleID : incident.title
        let priority = incident.priority?.description ?? incident.level.rawValue.capitalized
        let subject = "[\(priority)] \(customer): \(what)"
        let times = incident.count == 1 ? "once" : "\(incident.count) times"

        var text: [String] = []
        text.append((recipientName.map { "\($0), " } ?? "") + "\(customer) needs the SOC: \(what).")
        text.append("")
        if !incident.summary.isEmpty, incident.summary != what { text.append("What happened: \(incident.summary)") }
        if !incident.subjects.isEmpty { text.append("Where: \(incident.subjects.joined(separator: "; "))") }
        var since = "Since: \(long(incident.firstSeen))"
        if incident.lastSeen > incident.firstSeen { since += ", last seen \(short(incident.lastSeen, relativeTo: incident.firstSeen))" }
        text.append(since + ", \(times).")
        var urgency = "Priority: \(incident.priority.map { "\($0.label) (\($0.meaning))" } ?? "not set (level \(incident.level.rawValue))")"
        if let deadline = incident.slaDeadline { urgency += ". Resolve by \(long(deadline)) (\(remaining(until: deadline, from: now)))" }
        text.append(urgency + ".")
        if let override = incident.severityOverride {
            text.append("Paged as \(override.level.rawValue) at the customer's request (\(override.requestedBy): \(override.reason)).")
        }
        if let stepLabel { text.append("You are paged at \(stepLabel) of the escalation.") }
        if !incident.responseSteps.isEmpty {
            text.append("")
            text.append("What to do (playbook):")
            for (n, step) in incident.responseSteps.enumerated() { text.append("\(n + 1). \(step)") }
        }
        text.append("")
        if let ackURL {
            text.append("Acknowledge (stops further pages): \(ackURL)")
        } else {
            text.append("Acknowledge with: vigil incidents ack \(incident.id)")
        }
        text.append("Incident \(incident.id).")

        return RenderedPage(subject: subject, text: text.joined(separator: "\n"),
                            sms: sms(incident, customer: customer, what: what, priority: priority, times: times, ackURL: ackURL),
                            voice: voice(incident, customer: customer, what: what, times: times, now: now), ackURL: ackURL)
    }

    private func sms(_ incident: OnCallIncident, customer: String, what: String, priority: String, times: String, ackURL: String?) -> String {
        let tail = ackURL.map { " Ack: \($0)" } ?? " Ack: vigil incidents ack \(incident.id)"
        let deadline = incident.slaDeadline.map { " Fix by \(clock($0))." } ?? ""
        let whereText = incident.subjects.first.map { " on \($0)" } ?? ""
        let full = "\(priority) \(customer): \(what)\(whereText), since \(clock(incident.firstSeen)), \(times).\(deadline)"
        let budget = (full.count + tail.count <= Self.smsTarget ? Self.smsTarget : Self.smsLimit) - tail.count
        return (budget > 0 ? truncate(full, to: budget) : "") + tail
    }

    private func voice(_ incident: OnCallIncident, customer: String, what: String, times: String, now: Timestamp) -> String {
        let priority = incident.priority.map { "Priority \(["one", "two", "three", "four", "five"][$0.rawValue - 1])" } ?? "A \(incident.level.rawValue)"
        var lines = ["This is Vigil, the security operations centre.", "\(priority) incident for \(customer).", "\(what)."]
        if let place = incident.subjects.first { lines.append("Where: \(place).") }
        lines.append("Since \(clock(incident.firstSeen)), \(times).")
        if let deadline = incident.slaDeadline { lines.append("It must be resolved by \(clock(deadline)), \(remaining(until: deadline, from: now)).") }
        lines.append("Please acknowledge with the link in your text message or e-mail.")
        let message = lines.joined(separator: " ")
        return message + " I repeat. " + message
    }

    // MARK: - Times in words

    /// `Sat 21 Nov 2026 03:04 (UTC+01:00)`, in the renderer's zone.
    func long(_ t: Timestamp) -> String {
        let c = zone.civil(at: t)
        let day = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"][c.isoWeekday - 1]
        let month = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"][c.month - 1]
        return "\(day) \(c.day) \(month) \(c.year) \(clock(t)) (\(offsetText(zone.offset(at: t))))"
    }

    /// `03:04`, local.
    func clock(_ t: Timestamp) -> String {
        let c = zone.civil(at: t)
        return (c.hour < 10 ? "0" : "") + "\(c.hour):" + (c.minute < 10 ? "0" : "") + "\(c.minute)"
    }

    /// The clock time, plus the date when it differs from `reference`'s.
    func short(_ t: Timestamp, relativeTo reference: Timestamp) -> String {
        let a = zone.civil(at: t)
        let b = zone.civil(at: reference)
        return (a.year, a.month, a.day) == (b.year, b.month, b.day) ? clock(t) : long(t)
    }

    func offsetText(_ seconds: Int) -> String {
        if zone.identifier == "UTC" { return "UTC" }
        let sign = seconds < 0 ? "-" : "+"
        let a = abs(seconds)
        return "UTC\(sign)\(a / 3600 < 10 ? "0" : "")\(a / 3600):\(a % 3600 / 60 < 10 ? "0" : "")\(a % 3600 / 60)"
    }

    /// "in 57 minutes", "in 3 hours 5 minutes", "overdue by 10 minutes".
    func remaining(until deadline: Timestamp, from now: Timestamp) -> String {
        let seconds = (deadline - now).nanoseconds / 1_000_000_000
        let minutes = abs(seconds) / 60
        let words: String
        if minutes < 60 {
            words = "\(minutes) minute" + (minutes == 1 ? "" : "s")
        } else {
            let h = minutes / 60
            let m = minutes % 60
            words = "\(h) hour" + (h == 1 ? "" : "s") + (m == 0 ? "" : " \(m) minute" + (m == 1 ? "" : "s"))
        }
        return seconds >= 0 ? "in \(words)" : "overdue by \(words)"
    }

    private func truncate(_ text: String, to limit: Int) -> String {
        guard text.count > limit else { return text }
        return String(text.prefix(max(0, limit - 1))) + "…"
    }
}
