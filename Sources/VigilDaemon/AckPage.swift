import VigilEvents
import VigilIncidents
import VigilOnCall
import VigilStore

/// The small mobile-friendly pages behind acknowledgement links. Pure: values in, HTML out, everything escaped.
/// The incident page only shows; its buttons POST, so link previewers that fetch the GET cannot acknowledge.
enum AckPage {
    /// What the page shows for one incident.
    struct Incident {
        var record: IncidentRecord
        var customerName: String
        /// The customer's zone, for times.
        var zone: ZoneRules
        /// Who the link was sent to (display name).
        var recipient: String
        var allowsAcknowledge: Bool
        var allowsResolve: Bool
    }

    static func incident(_ i: Incident, now: Timestamp, notice: String? = nil) -> String {
        let r = i.record
        let what = r.ruleTitle.isEmpty ? r.ruleID : r.ruleTitle
        var rows: [(String, String)] = [
            ("Customer", i.customerName),
            ("What", what),
        ]
        if !r.summary.isEmpty, r.summary != what { rows.append(("Details", r.summary)) }
        if !r.group.isEmpty { rows.append(("Where", r.group.map { "\($0.field) \($0.value)" }.joined(separator: "; "))) }
        let count = r.eventCount > 0 ? r.eventCount : r.hitCount
        rows.append(("Since", format(r.firstEventAt, i.zone) + (count > 1 ? " (\(count) times, last \(format(r.lastEventAt, i.zone)))" : "")))
        rows.append(("Priority", "\(r.priority.label) (\(r.priority.meaning))"))
        if let due = r.dueAt {
            let left = due - now
            rows.append(("SLA", "resolve by \(format(due, i.zone)) — " + (left > .zero ? "\(rounded(left)) left" : "overdue by \(rounded(now - due))")))
        }
        rows.append(("Status", status(r)))
        var body = "<h1>Incident \(r.id)</h1>\n"
        if let notice { body += "<p class=\"notice\">\(escape(notice))</p>\n" }
        body += "<dl>\n" + rows.map { "<dt>\(escape($0.0))</dt><dd>\(escape($0.1))</dd>" }.joined(separator: "\n") + "\n</dl>\n"
        if !r.responseSteps.isEmpty {
            body += "<h2>What to do</h2>\n<ol>\n" + r.responseSteps.map { "<li>\(escape($0))</li>" }.joined(separator: "\n") + "\n</ol>\n"
        }
        var buttons = ""
        if r.status == .new, i.allowsAcknowledge {
            buttons += "<button name=\"action\" value=\"acknowledge\" class=\"ack\">Acknowledge</button>\n"
        }
        if r.status == .new || r.status == .acknowledged, i.allowsResolve {
            buttons += "<button name=\"action\" value=\"resolve\" class=\"resolve\">Resolve</button>\n"
        }
        if r.status == .acknowledged, i.allowsAcknowledge {
            buttons = "<button name=\"action\" value=\"acknowledge\" class=\"ack\">I am on it</button>\n" + buttons
        }
        if !buttons.isEmpty {
            body += "<form method=\"post\">\n" + buttons + "</form>\n<p class=\"small\">As \(escape(i.recipient)).</p>\n"
        }
        return page(title: "Incident \(r.id): \(what)", body: body)
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
