import Foundation
import Logging
import PostgresNIO
import VigilEvents
import VigilIncidents

/// The management figures from domain.md for one customer (or all visible ones) and a period.
public struct IncidentReport: Sendable, Hashable {
    public struct Query: Sendable, Hashable {
        public var customer: CustomerID?
        /// Incidents detected in [from, to) count for the period figures.
        public var from: Timestamp
        public var to: Timestamp
        /// The instant open incidents' ages are measured at.
        public var now: Timestamp

        public init(customer: CustomerID? = nil, from: Timestamp, to: Timestamp, now: Timestamp) {
            self.customer = customer
            self.from = from
            self.to = to
            self.now = now
        }
    }

    /// Open incidents of one priority by age since detection.
    public struct OpenRow: Sendable, Hashable {
        public var priority: Priority
        public var total: Int
        public var under1h: Int
        public var under8h: Int
        public var under24h: Int
        public var under7d: Int
        public var older: Int
        public var overdue: Int
    }

    /// Period figures for one priority, or for all (`priority` nil).
    public struct PeriodRow: Sendable, Hashable {
        public var priority: Priority?
        public var incidents: Int
        public var acknowledged: Int
        public var resolved: Int
        public var reopened: Int
        public var mtta: TimeSpan?
        public var mttr: TimeSpan?
        public var resolvedWithinTarget: Int
        /// Incidents with a target that are resolved or already past due.
        public var due: Int

        public var percentWithinTarget: Double? { due == 0 ? nil : 100 * Double(resolvedWithinTarget) / Double(due) }
    }

    public struct ParetoRow: Sendable, Hashable {
        public var ruleID: String
        public var ruleTitle: String
        public var incidents: Int
        public var percent: Double
        public var cumulativePercent: Double
    }

    public var query: Query
    public var open: [OpenRow]
    public var total: PeriodRow
    public var byPriority: [PeriodRow]
    /// Incidents detected per local hour 0–23 (each customer's own time zone).
    public var byHour: [Int]
    public var pareto: [ParetoRow]
}

extension IncidentRepository {
    /// Computes the report with bound parameters; row-level security applies to the connecting role.
    public func report(_ query: IncidentReport.Query, paretoLimit: Int = 20) async throws -> IncidentReport {
        let customer = query.customer?.rawValue
        let from = query.from.instant, to = query.to.instant, now = query.now.instant

        var open: [IncidentReport.OpenRow] = []
        let openRows = try await client.query("""
            SELECT priority, count(*),
                   count(*) FILTER (WHERE \(now)::timestamptz - detected_at < interval '1 hour'),
                   count(*) FILTER (WHERE \(now)::timestamptz - detected_at >= interval '1 hour' AND \(now)::timestamptz - detected_at < interval '8 hours'),
                   count(*) FILTER (WHERE \(now)::timestamptz - detected_at >= interval '8 hours' AND \(now)::timestamptz - detected_at < interval '24 hours'),
                   count(*) FILTER (WHERE \(now)::timestamptz - detected_at >= interval '24 hours' AND \(now)::timestamptz - detected_at < interval '7 days'),
                   count(*) FILTER (WHERE \(now)::timestamptz - detected_at >= interval '7 days'),
                   count(*) FILTER (WHERE due_at < \(now)::timestamptz)
            FROM vigil.incidents
            WHERE status IN ('new', 'acknowledged') AND (\(customer)::text IS NULL OR customer_id = \(customer)::text)
            GROUP BY priority ORDER BY priority
            """, logger: logger)
        for try await (p, total, a, b, c, d, e, overdue) in openRows.decode((String, Int, Int, Int, Int, Int, Int, Int).self) {
            guard let priority = Priority(label: p) else { continue }
            open.append(.init(priority: priority, total: total, under1h: a, under8h: b, under24h: c, under7d: d, older: e, overdue: overdue))
        }

        var byPriority: [IncidentReport.PeriodRow] = []
        var total = IncidentReport.PeriodRow(priority: nil, incidents: 0, acknowledged: 0, resolved: 0, reopened: 0, mtta: nil, mttr: nil,
                                             resolvedWithinTarget: 0, due: 0)
        let periodRows = try await client.query("""
            SELECT grouping(priority) = 1, coalesce(priority, ''), count(*), count(acknowledged_at), count(resolved_at), count(reopened_from),
                   extract(epoch FROM avg(acknowledged_at - detected_at))::float8,
                   extract(epoch FROM avg(resolved_at - detected_at))::float8,
                   count(*) FILTER (WHERE resolved_at <= due_at),
                   count(*) FILTER (WHERE due_at IS NOT NULL AND (resolved_at IS NOT NULL OR due_at < \(now)::timestamptz))
            FROM vigil.incidents
            WHERE detected_at >= \(from) AND detected_at < \(to) AND (\(customer)::text IS NULL OR customer_id = \(customer)::text)
            GROUP BY ROLLUP (priority) ORDER BY 1, 2
            """, logger: logger)
        for try await (isTotal, p, incidents, acked, resolved, reopened, mtta, mttr, within, due)
            in periodRows.decode((Bool, String, Int, Int, Int, Int, Double?, Double?, Int, Int).self) {
            let row = IncidentReport.PeriodRow(
                priority: isTotal ? nil : Priority(label: p), incidents: incidents, acknowledged: acked, resolved: resolved, reopened: reopened,
                mtta: mtta.map { TimeSpan(nanoseconds: Int64(($0 * 1e9).rounded())) },
                mttr: mttr.map { TimeSpan(nanoseconds: Int64(($0 * 1e9).rounded())) },
                resolvedWithinTarget: within, due: due)
            if isTotal { total = row } else { byPriority.append(row) }
        }

        var byHour = [Int](repeating: 0, count: 24)
        let hourRows = try await client.query("""
            SELECT extract(hour FROM i.detected_at AT TIME ZONE c.time_zone)::int, count(*)
            FROM vigil.incidents i JOIN vigil.customers c ON c.id = i.customer_id
            WHERE i.detected_at >= \(from) AND i.detected_at < \(to) AND (\(customer)::text IS NULL OR i.customer_id = \(customer)::text)
            GROUP BY 1
            """, logger: logger)
        for try await (hour, count) in hourRows.decode((Int, Int).self) where (0..<24).contains(hour) {
            byHour[hour] = count
        }

        var pareto: [IncidentReport.ParetoRow] = []
        let paretoRows = try await client.query("""
            WITH per_rule AS (
                SELECT rule_id, max(rule_title) AS title, count(*) AS n
                FROM vigil.incidents
                WHERE detected_at >= \(from) AND detected_at < \(to) AND (\(customer)::text IS NULL OR customer_id = \(customer)::text)
                GROUP BY rule_id)
            SELECT rule_id, title, n,
                   (100.0 * n / sum(n) OVER ())::float8,
                   (100.0 * sum(n) OVER (ORDER BY n DESC, rule_id ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) / sum(n) OVER ())::float8
            FROM per_rule ORDER BY n DESC, rule_id LIMIT \(paretoLimit)
            """, logger: logger)
        for try await (rule, title, n, pct, cumulative) in paretoRows.decode((String, String, Int, Double, Double).self) {
            pareto.append(.init(ruleID: rule, ruleTitle: title, incidents: n, percent: pct, cumulativePercent: cumulative))
        }
        return IncidentReport(query: query, open: open, total: total, byPriority: byPriority, byHour: byHour, pareto: pareto)
    }
}

extension IncidentReport {
    /// The report as plain text for the terminal.
    public var text: String {
        var out = "Incident report"
        out += query.customer.map { " for \($0)" } ?? " (all customers)"
        out += ", detected \(query.from.rfc3339) to \(query.to.rfc3339)\n\n"

        out += "Open incidents by priority and age (at \(query.now.rfc3339))\n"
        out += Self.table(["priority", "open", "<1h", "1-8h", "8-24h", "1-7d", ">7d", "overdue"],
                          open.map { [$0.priority.label, "\($0.total)", "\($0.under1h)", "\($0.under8h)", "\($0.under24h)", "\($0.under7d)", "\($0.older)", "\($0.overdue)"] })
        if open.isEmpty { out += "  none\n" }

        out += "\nPeriod figures (MTTA/MTTR from detection; % within target over incidents resolved or past due)\n"
        let rows = (byPriority + [total]).map { r -> [String] in
            [r.priority?.label ?? "all", "\(r.incidents)", "\(r.acknowledged)", "\(r.resolved)", "\(r.reopened)",
             Self.duration(r.mtta), Self.duration(r.mttr), r.percentWithinTarget.map { String(format: "%.1f%%", $0) } ?? "-"]
        }
        out += Self.table(["priority", "incidents", "acked", "resolved", "reopened", "MTTA", "MTTR", "within target"], rows)

        out += "\nIncidents by hour of day (customer's local time)\n"
        let peak = max(1, byHour.max() ?? 1)
        for (hour, n) in byHour.enumerated() {
            let bar = String(repeating: "#", count: n == 0 ? 0 : max(1, n * 40 / peak))
            out += String(format: "  %02d  %6d  ", hour, n) + bar + "\n"
        }

        out += "\nRule Pareto\n"
        out += Self.table(["rule", "title", "incidents", "%", "cumulative %"],
                          pareto.map { [$0.ruleID, $0.ruleTitle, "\($0.incidents)", String(format: "%.1f", $0.percent), String(format: "%.1f", $0.cumulativePercent)] })
        if pareto.isEmpty { out += "  none\n" }
        return out
    }

    /// The report as one JSON object.
    public var json: String {
        var w = JSONWriter(capacity: 2048)
        w.raw("{\"customer\":")
        if let c = query.customer { w.quoted(c.rawValue) } else { w.raw("null") }
        w.raw(",\"from\":"); w.quoted(query.from.rfc3339)
        w.raw(",\"to\":"); w.quoted(query.to.rfc3339)
        w.raw(",\"now\":"); w.quoted(query.now.rfc3339)
        w.raw(",\"open\":[")
        for (i, r) in open.enumerated() {
            if i > 0 { w.raw(",") }
            w.object([("priority", .string(r.priority.label)), ("open", .int(Int64(r.total))), ("under_1h", .int(Int64(r.under1h))),
                      ("1h_to_8h", .int(Int64(r.under8h))), ("8h_to_24h", .int(Int64(r.under24h))), ("1d_to_7d", .int(Int64(r.under7d))),
                      ("over_7d", .int(Int64(r.older))), ("overdue", .int(Int64(r.overdue)))])
        }
        w.raw("],\"period\":[")
        for (i, r) in (byPriority + [total]).enumerated() {
            if i > 0 { w.raw(",") }
            w.object([("priority", r.priority.map { .string($0.label) } ?? .string("all")), ("incidents", .int(Int64(r.incidents))),
                      ("acknowledged", .int(Int64(r.acknowledged))), ("resolved", .int(Int64(r.resolved))), ("reopened", .int(Int64(r.reopened))),
                      ("mtta_seconds", r.mtta.map { .double($0.seconds) } ?? .null), ("mttr_seconds", r.mttr.map { .double($0.seconds) } ?? .null),
                      ("resolved_within_target", .int(Int64(r.resolvedWithinTarget))), ("due", .int(Int64(r.due))),
                      ("pct_within_target", r.percentWithinTarget.map { .double(($0 * 10).rounded() / 10) } ?? .null)])
        }
        w.raw("],\"by_hour\":")
        w.value(.array(byHour.map { .int(Int64($0)) }))
        w.raw(",\"pareto\":[")
        for (i, r) in pareto.enumerated() {
            if i > 0 { w.raw(",") }
            w.object([("rule_id", .string(r.ruleID)), ("rule_title", .string(r.ruleTitle)), ("incidents", .int(Int64(r.incidents))),
                      ("pct", .double((r.percent * 10).rounded() / 10)), ("cumulative_pct", .double((r.cumulativePercent * 10).rounded() / 10))])
        }
        w.raw("]}")
        return w.string
    }

    public static func duration(_ span: TimeSpan?) -> String {
        guard let span else { return "-" }
        let s = Int64(span.seconds.rounded())
        if s < 3600 { return "\(s / 60)m\(String(format: "%02d", s % 60))s" }
        if s < 86400 { return "\(s / 3600)h\(String(format: "%02d", s % 3600 / 60))m" }
        return "\(s / 86400)d\(String(format: "%02d", s % 86400 / 3600))h"
    }

    static func table(_ header: [String], _ rows: [[String]]) -> String {
        var widths = header.map(\.count)
        for row in rows { for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) } }
        func line(_ cells: [String]) -> String {
            "  " + cells.enumerated().map { i, c in
                i == 0 || i == 1 && header.count == 5 ? c.padding(toLength: widths[i], withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: widths[i] - c.count) + c
            }.joined(separator: "  ") + "\n"
        }
        return line(header) + rows.map(line).joined()
    }
}
