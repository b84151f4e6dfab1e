import Testing
import VigilEvents
@testable import VigilDetection

/// Monday 2026-11-02 10:00:00 UTC.
let t0 = Timestamp(rfc3339: "2026-11-02T10:00:00Z")!

func at(_ seconds: Int64) -> Timestamp { t0 + .seconds(seconds) }

/// An event with fields, built directly (no parser involved).
func event(_ fields: KeyValuePairs<String, FieldValue> = [:], message: String = "", at seconds: Int64 = 0,
           customer: CustomerID = "default", sequence: UInt64 = 0) -> Event
{
    Event(sequence: sequence, customer: customer, eventTime: at(seconds), receivedTime: at(seconds), format: .json,
          message: message, fields: Fields(fields))
}

func event(fieldList: [(String, FieldValue)], message: String = "", time: Timestamp, customer: CustomerID = "default",
           sequence: UInt64 = 0) -> Event
{
    var f = Fields()
    for (k, v) in fieldList { f.append(k, v) }
    return Event(sequence: sequence, customer: customer, eventTime: time, receivedTime: time, format: .json, message: message, fields: f)
}

/// A detection rule around a detection body (indented by four spaces per level in the body text).
func detectionRule(_ body: String, id: String = "r1", extra: String = "") -> String {
    """
    title: Test rule \(id)
    id: \(id)
    logsource:
        product: test
    detection:
    \(body.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }.joined(separator: "\n"))
    \(extra)
    """
}

struct Loaded {
    var ruleSet: RuleSet
}

/// Loads rule texts (each one file) plus optional playbooks and logsource map, with the default customer.
func load(_ rules: [String], playbooks: [String: String] = [:], logsources: String? = nil,
          defaultCustomer: CustomerID? = "default") throws -> RuleSet
{
    let files = rules.enumerated().map { RuleSources.File(path: "rules/library/r\($0.offset).yml", relativePath: "library/r\($0.offset).yml", text: $0.element) }
    let books = playbooks.sorted { $0.key < $1.key }.map { RuleSources.File(path: "rules/customers/\($0.key).yml", relativePath: "customers/\($0.key).yml", text: $0.value) }
    let ls = logsources.map { RuleSources.File(path: "rules/logsources.yml", relativePath: "logsources.yml", text: $0) }
    do {
        return try RuleLoader.load(sources: RuleSources(rules: files, playbooks: books, logsources: ls, root: "rules"),
                                   options: RuleLoadOptions(defaultCustomer: defaultCustomer))
    } catch {
        throw LoadError(diagnostics: error.diagnostics)
    }
}

struct LoadError: Error, CustomStringConvertible {
    var diagnostics: [RuleDiagnostic]
    var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}

/// The errors a broken rule text produces (empty when it loads).
func errors(_ rules: [String], playbooks: [String: String] = [:], logsources: String? = nil) -> [RuleDiagnostic] {
    do {
        _ = try load(rules, playbooks: playbooks, logsources: logsources)
        return []
    } catch let e as LoadError {
        return e.diagnostics.filter { $0.severity == .error }
    } catch {
        return []
    }
}

/// True when the single detection rule in `ruleText` matches `e`.
func matches(_ ruleText: String, _ e: Event) throws -> Bool {
    let set = try load([ruleText])
    let engine = DetectionEngine(ruleSet: set, options: EngineOptions(allowedLateness: .zero))
    return !engine.process(e).isEmpty
}

/// Runs events through an engine and then advances past the last one.
func run(_ set: RuleSet, _ events: [Event], lateness: TimeSpan = .zero, options: EngineOptions? = nil, finish: Bool = true) -> [Hit] {
    let engine = DetectionEngine(ruleSet: set, options: options ?? EngineOptions(allowedLateness: lateness))
    var hits: [Hit] = []
    for e in events { hits.append(contentsOf: engine.process(e)) }
    if finish, let last = events.map(\.eventTime).max() {
        hits.append(contentsOf: engine.advance(to: last + .nanoseconds(1)))
    }
    return hits
}
