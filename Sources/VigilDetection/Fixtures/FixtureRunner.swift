import Foundation
import VigilEvents

/// Rule fixtures: JSON-lines events next to a rule, and the hits they must produce.
///
/// For a rule file `x.yml`:
/// - `x.events.jsonl` and `x.hits.jsonl` run as customer `default` with only the rules of `x.yml` enabled
///   (rules they refer to run as inputs), so a file is tested on its own;
/// - `x.fixtures.yml` lists more cases: `[{name, customer, events, hits, until}]`, paths relative to the rule file;
///   an events file ending in `.log` holds syslog lines, parsed like the daemon parses them.
/// Only hits of the rules defined in `x.yml` are compared; an expected hit may leave keys out.
public struct FixtureCase: Sendable {
    public var name: String
    public var rulePath: String
    public var ruleIDs: [String]
    public var customer: CustomerID?
    public var eventsPath: String
    public var hitsPath: String
    public var until: Timestamp?
    /// For `.log` events: the receive time that dates lines without a year (RFC 3164).
    public var received: Timestamp?
}

public struct FixtureOutcome: Sendable {
    public var fixture: FixtureCase
    public var passed: Bool
    /// Readable lines: missing, unexpected and differing hits.
    public var diff: [String]
    public var actual: [String]
}

public enum FixtureRunner {
    /// Turns one line of a `.log` events file into an event (the CLI passes the daemon's syslog parser).
    public typealias LineDecoder = @Sendable (_ line: String, _ index: Int, _ customer: CustomerID, _ fallbackTime: Timestamp) throws -> Event

    /// Finds the fixtures of every rule file under a rules tree (or directory, or next to one file).
    public static func discover(root: String, ruleSet: RuleSet) throws(RuleLoadFailure) -> [FixtureCase] {
        let sources = try RuleSources.read(root: root)
        var out: [FixtureCase] = []
        let fm = FileManager.default
        for file in sources.rules {
            let stem = file.path.hasSuffix(".yaml") ? String(file.path.dropLast(5)) : String(file.path.dropLast(4))
            let ids = ruleSet.rules.filter { $0.path == file.path }.map(\.id)
            if fm.fileExists(atPath: stem + ".events.jsonl") {
                out.append(FixtureCase(name: (stem as NSString).lastPathComponent, rulePath: file.path, ruleIDs: ids, customer: nil,
                                       eventsPath: stem + ".events.jsonl", hitsPath: stem + ".hits.jsonl", until: nil, received: nil))
            }
            let manifest = stem + ".fixtures.yml"
            guard let data = fm.contents(atPath: manifest) else { continue }
            let text = String(decoding: data, as: UTF8.self)
            let dir = (file.path as NSString).deletingLastPathComponent
            do {
                let docs = try YAMLReader.documents(text, path: manifest)
                guard let items = docs.first?.items else {
                    throw CompileError(SourceLocation(path: manifest, line: 1, column: 1), "invalid-fixtures", "a fixture manifest is a list of cases")
                }
                for item in items {
                    guard let name = item["name"]?.string, let events = item["events"]?.string, let hits = item["hits"]?.string else {
                        throw CompileError(item.location, "invalid-fixtures", "each fixture needs name, events and hits")
                    }
                    var until: Timestamp?
                    if let u = item["until"] {
                        guard let s = u.string, let t = Timestamp(rfc3339: s) else {
                            throw CompileError(u.location, "invalid-fixtures", "'until' must be an RFC 3339 time")
                        }
                        until = t
                    }
                    var received: Timestamp?
                    if let r = item["received"] {
                        guard let s = r.string, let t = Timestamp(rfc3339: s) else {
                            throw CompileError(r.location, "invalid-fixtures", "'received' must be an RFC 3339 time")
                        }
                        received = t
                    }
                    out.append(FixtureCase(name: name, rulePath: file.path, ruleIDs: ids, customer: item["customer"]?.string.map { CustomerID($0) },
                                           eventsPath: dir + "/" + events, hitsPath: dir + "/" + hits, until: until, received: received))
                }
            } catch {
                let diagnostic = (error as? CompileError)?.diagnostic
                    ?? RuleDiagnostic(path: manifest, line: 1, column: 1, code: "invalid-fixtures", message: "\(error)")
                throw RuleLoadFailure(diagnostics: [diagnostic])
            }
        }
        return out
    }

    /// Runs one fixture: reads its files, replays the events, compares the hits.
    public static func run(_ fixture: FixtureCase, ruleSet: RuleSet, logDecoder: LineDecoder? = nil) -> FixtureOutcome {
        guard let eventsData = FileManager.default.contents(atPath: fixture.eventsPath) else {
            return FixtureOutcome(fixture: fixture, passed: false, diff: ["cannot read \(fixture.eventsPath)"], actual: [])
        }
        let expectedText = FileManager.default.contents(atPath: fixture.hitsPath).map { String(decoding: $0, as: UTF8.self) }
        guard let expectedText else {
            return FixtureOutcome(fixture: fixture, passed: false, diff: ["cannot read \(fixture.hitsPath)"], actual: [])
        }
        return run(fixture, ruleSet: ruleSet, eventsText: String(decoding: eventsData, as: UTF8.self), expectedText: expectedText,
                   logDecoder: logDecoder)
    }

    public static func run(_ fixture: FixtureCase, ruleSet: RuleSet, eventsText: String, expectedText: String,
                           logDecoder: LineDecoder? = nil) -> FixtureOutcome
    {
        let isLog = fixture.eventsPath.hasSuffix(".log")
        if isLog && logDecoder == nil {
            return FixtureOutcome(fixture: fixture, passed: false, diff: ["\(fixture.eventsPath): syslog fixtures need the syslog parser"], actual: [])
        }
        let customer = fixture.customer ?? RuleLoadOptions.evalCustomer
        var ruleSet = ruleSet
        if fixture.customer == nil {
            let (isolated, problems) = ruleSet.isolating(fixture.ruleIDs, as: customer)
            guard let isolated else {
                return FixtureOutcome(fixture: fixture, passed: false, diff: problems.map { "cannot run the file's rules alone: \($0)" }, actual: [])
            }
            ruleSet = isolated
        } else if ruleSet.programs[customer] == nil {
            return FixtureOutcome(fixture: fixture, passed: false, diff: ["customer '\(customer)' has no playbook"], actual: [])
        }
        let engine = DetectionEngine(ruleSet: ruleSet)
        var hits: [Hit] = []
        var last = Timestamp.epoch
        var maxTime: Timestamp?
        for (i, line) in eventsText.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            do {
                let e = isLog ? try logDecoder!(String(trimmed), i, customer, last)
                    : try JSONEventDecoder.decode(String(trimmed), sequence: UInt64(i), customer: customer, fallbackTime: last)
                last = e.eventTime
                maxTime = max(maxTime ?? e.eventTime, e.eventTime)
                hits += engine.process(e)
            } catch {
                return FixtureOutcome(fixture: fixture, passed: false, diff: ["\(fixture.eventsPath):\(i + 1): \(error)"], actual: [])
            }
        }
        if let end = [maxTime.map { $0 + .nanoseconds(1) }, fixture.until].compactMap({ $0 }).max() {
            hits += engine.advance(to: end)
        }
        let wanted = Set(fixture.ruleIDs)
        let actualLines = hits.filter { wanted.contains($0.ruleID) }.map { HitJSON.line($0, ruleName: ruleSet.rule($0.ruleID)?.name) }
        var expected: [JSONValue] = []
        for (i, line) in expectedText.split(separator: "\n").enumerated() where !line.trimmingCharacters(in: .whitespaces).isEmpty {
            do {
                expected.append(try JSONValue.parse(String(line)))
            } catch {
                return FixtureOutcome(fixture: fixture, passed: false, diff: ["\(fixture.hitsPath):\(i + 1): \(error)"], actual: actualLines)
            }
        }
        let actual = actualLines.compactMap { try? JSONValue.parse($0) }
        let diff = compare(expected: expected, actual: actual)
        return FixtureOutcome(fixture: fixture, passed: diff.isEmpty, diff: diff, actual: actualLines)
    }

    /// Pairs expected with actual hits (an expected hit matches when every key it gives is equal) and describes the rest.
    static func compare(expected: [JSONValue], actual: [JSONValue]) -> [String] {
        var used = [Bool](repeating: false, count: actual.count)
        var missing: [JSONValue] = []
        for e in expected {
            if let i = actual.indices.first(where: { !used[$0] && subset(e, of: actual[$0]) }) {
                used[i] = true
            } else {
                missing.append(e)
            }
        }
        var out: [String] = []
        let unexpected = actual.indices.filter { !used[$0] }.map { actual[$0] }
        for m in missing {
            // Explain against the closest unused hit of the same rule.
            if let near = unexpected.first(where: { $0["rule_id"] == m["rule_id"] }) {
                out.append("- expected \(render(m))")
                if case .object(let pairs) = m {
                    for (k, v) in pairs where near[k] != v {
                        out.append("    \(k): expected \(render(v)), got \(near[k].map(render) ?? "nothing")")
                    }
                }
            } else {
                out.append("- missing  \(render(m))")
            }
        }
        for u in unexpected { out.append("+ unexpected \(render(u))") }
        return out
    }

    static func subset(_ e: JSONValue, of a: JSONValue) -> Bool {
        guard case .object(let pairs) = e else { return e == a }
        for (k, v) in pairs where a[k] != v { return false }
        return true
    }

    static func render(_ v: JSONValue) -> String {
        switch v {
        case .object(let pairs):
            var w = JSONWriter()
            w.raw("{")
            for (i, (k, x)) in pairs.enumerated() {
                if i > 0 { w.raw(",") }
                w.quoted(k)
                w.raw(":")
                w.raw(render(x))
            }
            w.raw("}")
            return w.string
        case .array(let items): return "[" + items.map(render).joined(separator: ",") + "]"
        case .string(let s):
            var w = JSONWriter()
            w.quoted(s)
            return w.string
        case .int(let i): return String(i)
        case .double(let d): return FieldValue.double(d).stringValue ?? "\(d)"
        case .bool(let b): return b ? "true" : "false"
        case .null: return "null"
        }
    }
}
