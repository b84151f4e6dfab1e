import ArgumentParser
import Foundation
import VigilDetection
import VigilEvents
import VigilIngest

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

    @Option(name: .long, help: "Print only hits at or above this level (informational, low, medium, high, critical).")
    var minLevel: String = "informational"

    @Option(name: .long, help: "Allowed lateness, such as 30s.")
    var lateness: String = "30s"

    @Option(name: .long, help: "Extractors for syslog lines (default: the extractors/ directory of a rules tree).")
    var extractors: String?

    @Option(name: .long, help: "The receive time for events without a full date, such as RFC 3164 lines (default: the file's modification time).")
    var receivedTime: String?

    @Option(name: .long, help: "The zone of local syslog times (default: the customer's playbook zone, else UTC).")
    var timezone: String?

    func run() async throws {
        guard let allowed = TimeSpan(parsing: lateness) else { throw ValidationError("--lateness must be a duration such as 30s") }
        guard let floor = Level(rawValue: minLevel) else { throw ValidationError("--min-level must be informational, low, medium, high or critical") }
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
        var extractorSet = ExtractorSet.empty
        let extractorDirectory = extractors ?? (rules.hasSuffix("/") ? rules : rules + "/") + "extractors"
        if FileManager.default.fileExists(atPath: extractorDirectory) {
            do {
                extractorSet = try ExtractorSet.load(directory: extractorDirectory)
            } catch {
                FileHandle.standardError.write(Data("\(error)\n".utf8))
                throw ExitCode(1)
            }
        } else if extractors != nil {
            throw ValidationError("no extractors at \(extractorDirectory)")
        }
        let received: Timestamp
        if let receivedTime {
            guard let t = Timestamp(rfc3339: receivedTime) else { throw ValidationError("--received-time must be an RFC 3339 time") }
            received = t
        } else {
            let modified = (try? FileManager.default.attributesOfItem(atPath: events)[.modificationDate] as? Date) ?? Date(timeIntervalSince1970: 0)
            received = Timestamp(nanoseconds: Int64(modified.timeIntervalSince1970 * 1e9))
        }
        var zone = set.playbooks[customerID]?.timeZone ?? .utc
        if let timezone {
            guard let z = ZoneRules(identifier: timezone) else { throw ValidationError("unknown time zone '\(timezone)'") }
            zone = z
        }
        let reader = EvalEventReader(format: format, customer: customerID, fileName: events, extractors: extractorSet,
                                     receivedTime: received, timeZone: zone)
        let engine = DetectionEngine(ruleSet: set, options: EngineOptions(allowedLateness: allowed))
        var out = ""
        var maxTime: Timestamp?
        var skipped = 0
        func emit(_ hits: [Hit]) {
            for hit in hits where hit.level >= floor {
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

    var wireProtocol: WireProtocol {
        switch self {
        case .jsonl: .json
        case .syslog: .syslog
        case .cef: .cef
        case .auto: .auto
        }
    }
}

/// Turns one line of the events file into an Event with the daemon's parsers and extractors.
///
/// A line in Vigil's own event format (`vigil serve --print-events`) is read back as it was printed.
struct EvalEventReader {
    enum Outcome {
        case success(Event)
        case failure(String)
    }

    let parser: EventParser
    let format: EvalFormat
    let customer: CustomerID
    let fileName: String
    let receivedTime: Timestamp
    let timeZone: ZoneRules

    init(format: EvalFormat, customer: CustomerID, fileName: String, extractors: ExtractorSet, receivedTime: Timestamp, timeZone: ZoneRules) {
        self.parser = EventParser(protocol: format.wireProtocol, extractors: extractors)
        self.format = format
        self.customer = customer
        self.fileName = fileName
        self.receivedTime = receivedTime
        self.timeZone = timeZone
    }

    func read(_ bytes: [UInt8], index: Int, fallbackTime: Timestamp) -> Outcome {
        if format == .jsonl || format == .auto, EvalEventReader.isVigilEventLine(bytes) {
            do {
                var event = try JSONEventDecoder.decode(String(decoding: bytes, as: UTF8.self), sequence: UInt64(index), customer: customer,
                                                        fallbackTime: fallbackTime)
                event.source.peer = fileName
                return .success(event)
            } catch {
                return .failure(error.description)
            }
        }
        let context = ParseContext(customer: customer, listener: "eval", peer: fileName, receivedTime: receivedTime, timeZone: timeZone,
                                   sequence: UInt64(index))
        let frame = format == .syslog || format == .auto ? EvalEventReader.withPriority(bytes) : bytes
        switch parser.parse(frame, context: context) {
        case .success(let event): return .success(event)
        case .failure(let error): return .failure("\(error)")
        }
    }

    /// A log file line without `<PRI>` (as in /var/log/auth.log) gets `<13>` (user.notice), so the syslog
    /// parser reads it; lines that start with `<`, `{` or `CEF:` are left alone.
    static func withPriority(_ bytes: [UInt8]) -> [UInt8] {
        guard let first = bytes.first, first != UInt8(ascii: "<"), first != UInt8(ascii: "{"),
              !(bytes.count >= 4 && Array(bytes.prefix(4)) == Array("CEF:".utf8))
        else { return bytes }
        return Array("<13>".utf8) + bytes
    }

    /// `{"sequence":…,"customer":…,"event_time":…,…,"fields":{…}}` as `--print-events` writes it.
    static func isVigilEventLine(_ bytes: [UInt8]) -> Bool {
        let prefix = Array("{\"sequence\":".utf8)
        return bytes.count > prefix.count && Array(bytes.prefix(prefix.count)) == prefix
    }
}
