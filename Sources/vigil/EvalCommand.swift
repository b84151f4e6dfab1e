import ArgumentParser
import Foundation
import VigilDetection
import VigilEvents

/// `vigil eval`: replays a file of events through the rules and prints one JSON line per hit, deterministically.
struct EvalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Replay a file of events through rules; print one JSON line per hit.",
        discussion: """
            Each line has rule_id, rule_name (when set), rule_title, level, customer, event_indexes (0-based line numbers in the
            events file), group (the group-by values; empty for detection rules), first_time, last_time, count and summary.
            Event time drives every window, so the same file always gives the same hits.
            """
    )

    @Option(name: .long, help: "A Sigma rule file, a directory of Sigma rules, or a rules tree with playbooks.")
    var rules: String

    @Option(name: .long, help: "The events, one per line.")
    var events: String

    @Option(name: .long, help: "Run as this customer's playbook (default: a customer with every rule enabled).")
    var customer: String?

    @Option(name: .long, help: "jsonl, syslog, cef or auto.")
    var format: EvalFormat = .auto

    @Option(name: .long, help: "A logsource map (logsources.yml) when --rules is not a rules tree.")
    var logsources: String?

    @Option(name: .long, help: "Close windows and check silences up to this RFC 3339 time (default: just after the last event).")
    var until: String?

    @Option(name: .long, help: "Allowed lateness, such as 30s.")
    var lateness: String = "30s"

    func run() async throws {
        guard let allowed = TimeSpan(parsing: lateness) else { throw ValidationError("--lateness must be a duration such as 30s") }
        var untilTime: Timestamp?
        if let until {
            guard let t = Timestamp(rfc3339: until) else { throw ValidationError("--until must be an RFC 3339 time") }
            untilTime = t
        }
        let customerID = customer.map { CustomerID($0) } ?? RuleLoadOptions.evalCustomer
        let set: RuleSet
        do {
            set = try RuleLoader.load(root: rules, options: RuleLoadOptions(defaultCustomer: customer == nil ? RuleLoadOptions.evalCustomer : nil,
                                                                           logsourceMapPath: logsources))
        } catch {
            for d in error.diagnostics where d.severity == .error { FileHandle.standardError.write(Data("\(d)\n".utf8)) }
            throw ExitCode(1)
        }
        guard set.customers.contains(customerID) else {
            throw ValidationError("customer '\(customerID)' has no playbook in \(rules); known: \(set.customers.map(\.rawValue).joined(separator: ", "))")
        }
        guard let data = FileManager.default.contents(atPath: events) else { throw ValidationError("cannot read \(events)") }
        let reader = EvalEventReader(format: format, customer: customerID, fileName: events)
        let engine = DetectionEngine(ruleSet: set, options: EngineOptions(allowedLateness: allowed))
        var out = ""
        var maxTime: Timestamp?
        var skipped = 0
        func emit(_ hits: [Hit]) {
            for hit in hits {
                out += HitJSON.line(hit, ruleName: set.rule(hit.ruleID)?.name)
                out += "\n"
            }
            if out.utf8.count > 1 << 16 {
                FileHandle.standardOutput.write(Data(out.utf8))
                out = ""
            }
        }
        var lastTime = Timestamp.epoch
        for (index, line) in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() {
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
            switch reader.read(Array(line), index: index, fallbackTime: lastTime) {
            case .success(let event):
                lastTime = event.eventTime
                maxTime = max(maxTime ?? event.eventTime, event.eventTime)
                emit(engine.process(event))
            case .failure(let message):
                skipped += 1
                FileHandle.standardError.write(Data("\(events):\(index + 1): skipped: \(message)\n".utf8))
            }
        }
        if let end = [maxTime.map { $0 + .nanoseconds(1) }, untilTime].compactMap({ $0 }).max() {
            emit(engine.advance(to: end))
        }
        FileHandle.standardOutput.write(Data(out.utf8))
        if skipped > 0 { FileHandle.standardError.write(Data("\(skipped) line\(skipped == 1 ? "" : "s") skipped\n".utf8)) }
    }
}

enum EvalFormat: String, ExpressibleByArgument, CaseIterable {
    case jsonl, syslog, cef, auto
}

/// Turns one line of the events file into an Event.
///
/// JSON lines use `JSONEventDecoder` (ECS documents or Vigil event lines). Syslog and CEF need the ingest parsers
/// (`VigilIngest.EventParser`); until they are merged, those formats report an error per line.
struct EvalEventReader {
    enum Outcome {
        case success(Event)
        case failure(String)
    }

    let format: EvalFormat
    let customer: CustomerID
    let fileName: String

    func read(_ bytes: [UInt8], index: Int, fallbackTime: Timestamp) -> Outcome {
        let isJSON: Bool
        switch format {
        case .jsonl: isJSON = true
        case .auto: isJSON = bytes.first { $0 != 0x20 && $0 != 0x09 } == UInt8(ascii: "{")
        case .syslog, .cef: isJSON = false
        }
        guard isJSON else {
            return .failure("the \(format == .cef ? "CEF" : "syslog") parser is not built into this vigil yet; convert to JSON lines")
        }
        do {
            var event = try JSONEventDecoder.decode(String(decoding: bytes, as: UTF8.self), sequence: UInt64(index), customer: customer,
                                                    fallbackTime: fallbackTime)
            event.source.peer = fileName
            return .success(event)
        } catch {
            return .failure(error.description)
        }
    }
}
