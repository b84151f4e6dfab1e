import ArgumentParser
import Foundation
import VigilEvents
import VigilIncidents
import VigilStore

struct IncidentsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "incidents",
        abstract: "List, show, acknowledge, resolve and close incidents.",
        subcommands: [List.self, Show.self, Acknowledge.self, Resolve.self, Close.self, Note.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List incidents, most urgent first (open ones unless --status says otherwise).")

        @OptionGroup var options: StoreCommandOptions

        @Option(name: .long, help: "Only this customer.")
        var customer: String?

        @Option(name: .long, help: "new, acknowledged, resolved, closed, open or all; comma-separated.")
        var status: String = "open"

        @Option(name: .long, help: "At most this many.")
        var limit: Int = 200

        @Flag(name: .long, help: "One JSON object per line.")
        var json = false

        func run() async throws {
            let statuses = try Self.parseStatuses(status)
            let filter = IncidentFilter(customer: customer.map { CustomerID($0) }, statuses: statuses, limit: limit)
            let json = self.json
            let incidents = try await options.withRepository { try await $0.list(filter) }
            if json {
                for incident in incidents {
                    var w = JSONWriter()
                    incident.writeJSON(into: &w)
                    print(w.string)
                }
                return
            }
            let now = SystemClock().now
            let rows = incidents.map { i -> [String] in
                [String(i.id), i.priority.label, i.status.rawValue + (i.isOverdue(at: now) ? "!" : ""), i.customer.rawValue,
                 String(i.ruleTitle.prefix(40)), IncidentReport.duration(i.age(at: now)), String(i.hitCount), String(i.summary.prefix(60))]
            }
            print(IncidentsCommand.table(["ID", "PRI", "STATUS", "CUSTOMER", "WHAT", "AGE", "HITS", "SUMMARY"], rows), terminator: "")
            if incidents.isEmpty { print("no incidents") }
        }

        static func parseStatuses(_ text: String) throws -> [IncidentStatus]? {
            var out: [IncidentStatus] = []
            for part in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
                switch part {
                case "open": out += [.new, .acknowledged]
                case "all": out += IncidentStatus.allCases
                default:
                    guard let s = IncidentStatus(rawValue: part) else {
                        throw ValidationError("unknown status '\(part)' (new, acknowledged, resolved, closed, open, all)")
                    }
                    out.append(s)
                }
            }
            return out.isEmpty ? nil : out
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one incident with its timeline and evidence.")

        @OptionGroup var options: StoreCommandOptions

        @Argument(help: "The incident id.")
        var id: Int64

        @Option(name: .long, help: "Evidence events to print.")
        var evidence: Int = 5

        @Flag(name: .long, help: "Print the incident as JSON (without timeline).")
        var json = false

        func run() async throws {
            let id = self.id, evidenceLimit = evidence
            let (incident, timeline, evidence) = try await options.withRepository { repository in
                guard let incident = try await repository.incident(id) else { throw StoreError(.notFound, "no incident \(id)") }
                return (incident, try await repository.timeline(id), try await repository.evidence(id, limit: evidenceLimit))
            }
            if json {
                var w = JSONWriter()
                incident.writeJSON(into: &w)
                print(w.string)
                return
            }
            let now = SystemClock().now
            var out = "Incident \(incident.id)  \(incident.priority.label) \(incident.priority.meaning)  \(incident.status.rawValue)"
            if incident.isOverdue(at: now) { out += "  OVERDUE" }
            out += "\n  customer    \(incident.customer)\n  rule        \(incident.ruleID): \(incident.ruleTitle)\n"
            out += "  summary     \(incident.summary)\n"
            if !incident.group.isEmpty { out += "  about       " + incident.group.map { "\($0.field)=\($0.value)" }.joined(separator: ", ") + "\n" }
            out += "  level       \(incident.level.rawValue) (impact \(incident.impact.rawValue), urgency \(incident.urgency.rawValue))\n"
            if let o = incident.severityOverride { out += "  override    \(o.level.rawValue), asked by \(o.requestedBy): \(o.reason)\n" }
            out += "  detected    \(incident.detectedAt.rfc3339) (\(IncidentReport.duration(incident.age(at: now))) ago)\n"
            out += "  due         " + (incident.dueAt.map { "\($0.rfc3339) (target \(incident.slaTarget.map { IncidentReport.duration($0) } ?? "-"))" } ?? "scheduled") + "\n"
            out += "  events      \(incident.eventCount) in \(incident.hitCount) hits, \(incident.firstEventAt.rfc3339) to \(incident.lastEventAt.rfc3339)\n"
            if let from = incident.reopenedFrom { out += "  repeats     incident \(from)\n" }
            if !incident.responseSteps.isEmpty {
                out += "  what to do\n" + incident.responseSteps.enumerated().map { "    \($0 + 1). \($1)\n" }.joined()
            }
            out += "\nTimeline\n"
            for record in timeline {
                out += "  \(record.entry.at.rfc3339)  \(record.entry.kind.rawValue.padding(toLength: 16, withPad: " ", startingAt: 0)) \(record.entry.actor): \(record.entry.detail)\n"
            }
            out += "\nEvidence (\(incident.evidenceCount) stored, \(incident.evidenceOverflow) more counted)\n"
            for e in evidence {
                out += "  #\(e.sequence) \(e.eventTime.rfc3339) \(e.peer) [\(e.format)] \(e.message.prefix(160))\n"
            }
            print(out, terminator: "")
        }
    }

    struct TransitionOptions: ParsableArguments {
        @Argument(help: "The incident id.")
        var id: Int64

        @Option(name: .long, help: "Who is acting (recorded in the timeline).")
        var by: String

        @Option(name: .long, help: "A note for the timeline.")
        var note: String?
    }

    struct Acknowledge: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "ack", abstract: "Acknowledge an incident (stops escalation).")
        @OptionGroup var options: StoreCommandOptions
        @OptionGroup var transition: TransitionOptions

        func run() async throws {
            let t = transition
            let outcome = try await options.withRepository { try await $0.acknowledge(t.id, by: t.by, note: t.note) }
            IncidentsCommand.report(outcome, id: t.id, by: t.by)
        }
    }

    struct Resolve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Resolve an incident.")
        @OptionGroup var options: StoreCommandOptions
        @OptionGroup var transition: TransitionOptions

        func run() async throws {
            let t = transition
            let outcome = try await options.withRepository { try await $0.resolve(t.id, by: t.by, note: t.note) }
            IncidentsCommand.report(outcome, id: t.id, by: t.by)
        }
    }

    struct Close: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Close an incident.")
        @OptionGroup var options: StoreCommandOptions
        @OptionGroup var transition: TransitionOptions

        func run() async throws {
            let t = transition
            let outcome = try await options.withRepository { try await $0.close(t.id, by: t.by, note: t.note) }
            IncidentsCommand.report(outcome, id: t.id, by: t.by)
        }
    }

    struct Note: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a note to an incident's timeline.")
        @OptionGroup var options: StoreCommandOptions

        @Argument(help: "The incident id.")
        var id: Int64

        @Option(name: .long, help: "Who is writing.")
        var by: String

        @Argument(help: "The note.")
        var text: String

        func run() async throws {
            let id = self.id, by = self.by, text = self.text
            try await options.withRepository { try await $0.addNote(id, by: by, text: text) }
            print("note added to incident \(id)")
        }
    }

    static func report(_ outcome: TransitionOutcome, id: Int64, by: String) {
        switch outcome {
        case .changed(_, let to): print("incident \(id) \(to.rawValue) by \(by)")
        case .unchanged(let status): print("incident \(id) was already \(status.rawValue); nothing changed")
        }
    }

    static func table(_ header: [String], _ rows: [[String]]) -> String {
        var widths = header.map(\.count)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, c in i == cells.count - 1 ? c : c.padding(toLength: widths[i], withPad: " ", startingAt: 0) }
                .joined(separator: "  ") + "\n"
        }
        return line(header) + rows.map(line).joined()
    }
}
