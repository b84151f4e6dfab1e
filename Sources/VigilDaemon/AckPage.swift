import VigilEvents
import VigilIncidents
import VigilOnCall
import VigilStore

/// The small mobile-friendly pages behind acknowledgement links. Pure: values in, HTML out, everything escaped.
/// The incident page only shows; its buttons POST, so link previewers that fetch the GET cannot acknowledge.
enum AckPage {
    /// What the page shows for one incident.
    struct Incident {
        var id: Int64
        var customerName: String
        var what: String
        var summary: String
        /// `source.ip 203.0.113.7`, …
        var subjects: [String]
        var firstSeen: Timestamp
        var lastSeen: Timestamp
        var count: Int
        var priority: Priority
        var dueAt: Timestamp?
        var status: IncidentStatus
        /// `acknowledged by Tom Fischer`.
        var statusText: String
        var responseSteps: [String]
        /// The customer's zone, for times.
        var zone: ZoneRules
        /// Who the link was sent to (display name).
        var recipient: String
        var allowsAcknowledge: Bool
        var allowsResolve: Bool
    }

    static func incident(_ i: Incident, now: Timestamp, notice: String? = nil) -> String {
        var rows: [(String, String)] = [("Customer", i.customerName), ("What", i.what)]
        if !i.summary.isEmpty, i.summary != i.what { rows.append(("Details", i.summary)) }
        if !i.subjects.isEmpty { rows.append(("Where", i.subjects.joined(separator: "; "))) }
        rows.append(("Since", format(i.firstSeen, i.zone) + (i.count > 1 ? " (\(i.count) times, last \(format(i.lastSeen, i.zone)))" : "")))
        rows.append(("Priority", "\(i.priority.label) (\(i.priority.meaning))"))
        if let due = i.dueAt {
            rows.append(("SLA", "resolve by \(format(due, i.zone)) — " + (due > now ? "\(rounded(due - now)) left" : "overdue by \(rounded(now - due))")))
        }
        rows.append(("Status", i.statusText))
        var body = "<h1>Incident \(i.id)</h1>\n"
        if let notice { body += "<p class=\"notice\">\(escape(notice))</p>\n" }
        body += "<dl>\n" + rows.map { "<dt>\(escape($0.0))</dt><dd>\(escape($0.1))</dd>" }.joined(separator: "\n") + "\n</dl>\n"
        if !i.responseSteps.isEmpty {
            body += "<h2>What to do</h2>\n<ol>\n" + i.responseSteps.map { "<li>\(escape($0))</li>" }.joined(separator: "\n") + "\n</ol>\n"
        }
        var buttons = ""
        if i.allowsAcknowledge, i.status == .new || i.status == .acknowledged {
            let label = i.status == .new ? "Acknowledge" : "I am on it"
            buttons += "<button name=\"action\" value=\"acknowledge\" class=\"ack\">\(label)</button>\n"
        }
        if i.allowsResolve, i.status == .new || i.status == .acknowledged {
            buttons += "<button name=\"action\" value=\"resolve\" class=\"resolve\">Resolve</button>\n"
        }
        if !buttons.isEmpty {
            body += "<form method=\"post\">\n" + buttons + "</form>\n<p class=\"small\">As \(escape(i.recipient)).</p>\n"
        }
        return page(title: "Incident \(i.id): \(i.what)", body: body)
    }

    /// A refusal: forged, expired, unknown incident.
    static func refusal(title: String, message: String) -> String {
        page(title: title, body: "<h1>\(escape(title))</h1>\n<p>\(escape(message))</p>\n")
    }

    static func status(_ r: IncidentRecord) -> String {
        switch r.status {
        case .new: "new — nobody has acknowledged it yet"
        case .acknowledged: "acknowledged" + (r.acknowledgedBy.map { " by \($0)" } ?? "")
        case .resolved: "resolved" + (r.resolvedBy.map { " by \($0)" } ?? "")
        case .closed: "closed" + (r.closedBy.map { " by \($0)" } ?? "")
        }
    }

    static func format(_ t: Timestamp, _ zone: ZoneRules) -> String { InstantParser.format(t, zone: zone) }

    /// `2 h 5 min`, `12 min`, `40 s`.
    static func rounded(_ span: TimeSpan) -> String {
        let s = Int64(span.seconds)
        if s >= 3600 { return "\(s / 3600) h" + (s % 3600 >= 60 ? " \(s % 3600 / 60) min" : "") }
        if s >= 60 { return "\(s / 60) min" }
        return "\(max(0, s)) s"
    }

    static func page(title: String, body: String) -> String {
        """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="robots" content="noindex">
        <title>\(escape(title)) — Vigil</title>
        <style>
        body{font-family:system-ui,-apple-system,sans-serif;margin:0 auto;max-width:34em;padding:1em;line-height:1.4;color:#111}
        h1{font-size:1.3em}h2{font-size:1.1em}dt{font-weight:600;margin-top:.6em}dd{margin:0}
        form{display:flex;gap:.8em;flex-wrap:wrap;margin:1.2em 0}
        button{flex:1 1 10em;font-size:1.15em;padding:.9em;border:0;border-radius:.5em;color:#fff}
        .ack{background:#0b5fff}.resolve{background:#16803c}.notice{background:#eef5ff;padding:.6em;border-radius:.4em}.small{color:#555;font-size:.9em}
        </style></head><body>
        \(body)</body></html>
        """
    }

    /// HTML text and attribute escaping.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.count)
        for c in text {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }
}
