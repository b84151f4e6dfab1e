import ArgumentParser
import Foundation
import VigilDetection
import VigilEvents
import VigilIngest

/// `vigil rules check|test|list`: validate rules and playbooks, run rule fixtures, list rules.
struct RulesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules",
        abstract: "Check, test and list detection rules and playbooks.",
        subcommands: [Check.self, Test.self, List.self]
    )

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate every rule, playbook and the logsource map.",
            discussion: "Prints each problem as 'path:line:col: error: message' (warnings too) and exits 1 on any error."
        )

        @Option(name: .long, help: "A rules tree (library/, customers/, logsources.yml), a directory of Sigma rules, or one rule file.")
        var rules = "rules"

        @Flag(name: .long, help: "Print errors only.")
        var quiet = false

        func run() throws {
            do {
                let set = try RuleLoader.load(root: rules)
                if !quiet { for d in set.diagnostics { print(d) } }
                let correlations = set.rules.filter { $0.kind == .correlation }.count
                print("\(rules): \(set.rules.count) rules (\(correlations) correlations), \(set.customers.count) customer playbooks: OK")
            } catch {
                for d in error.diagnostics where !quiet || d.severity == .error { print(d) }
                let count = error.errors.count
                print("\(rules): \(count) error\(count == 1 ? "" : "s")")
                throw ExitCode(1)
            }
        }
    }

    struct Test: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run rule fixtures: JSON-lines events next to a rule and the hits they must give.",
            discussion: """
                For a rule file x.yml, x.events.jsonl and x.hits.jsonl run with only the rules of x.yml enabled;
                x.fixtures.yml lists further cases (name, customer, events, hits, until). Only hits of the rules in x.yml are
                compared, and an expected hit may leave keys out. Exits 1 on any mismatch, with a diff.
                """
        )

        @Option(name: .long, help: "The rules tree or directory.")
        var rules = "rules"

        @Option(name: .long, help: "Run only fixtures whose name or rule path contains this text.")
        var filter: String?

        @Flag(name: .long, help: "Print the actual hits of failing fixtures, ready to paste.")
        var showActual = false

        func run() throws {
            let set: RuleSet
            do {
                set = try RuleLoader.load(root: rules, options: RuleLoadOptions(defaultCustomer: RuleLoadOptions.evalCustomer))
            } catch {
                for d in error.diagnostics where d.severity == .error { print(d) }
                throw ExitCode(1)
            }
            var fixtures: [FixtureCase]
            do {
                fixtures = try FixtureRunner.discover(root: rules, ruleSet: set)
            } catch {
                for d in error.diagnostics { print(d) }
                throw ExitCode(1)
            }
            if let filter { fixtures = fixtures.filter { $0.name.contains(filter) || $0.rulePath.contains(filter) } }
            var extractorSet = ExtractorSet.empty
            let extractorDirectory = (rules.hasSuffix("/") ? rules : rules + "/") + "extractors"
            if FileManager.default.fileExists(atPath: extractorDirectory) {
                do {
                    extractorSet = try ExtractorSet.load(directory: extractorDirectory)
                } catch {
                    print(error)
                    throw ExitCode(1)
                }
            }
            var failed = 0
            for fixture in fixtures {
                let decoder = SyslogLineDecoder(extractors: extractorSet, receivedTime: fixture.received ?? fixture.until ?? .epoch,
                                                timeZone: set.playbooks[fixture.customer ?? RuleLoadOptions.evalCustomer]?.timeZone ?? .utc)
                let outcome = FixtureRunner.run(fixture, ruleSet: set, logDecoder: decoder.decode)
                let label = "\(fixture.rulePath) [\(fixture.name)\(fixture.customer.map { ", customer \($0)" } ?? "")]"
                if outcome.passed {
                    print("PASS \(label)")
                } else {
                    failed += 1
                    print("FAIL \(label)")
                    for line in outcome.diff { print("    \(line)") }
                    if showActual {
                        print("    actual hits:")
                        for line in outcome.actual { print("    \(line)") }
                    }
                }
            }
            print("\(fixtures.count) fixture\(fixtures.count == 1 ? "" : "s"), \(failed) failed")
            if failed > 0 { throw ExitCode(1) }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List rules, or the rules a customer runs.")

        @Option(name: .long, help: "The rules tree or directory.")
        var rules = "rules"

        @Option(name: .long, help: "Only the rules this customer's playbook runs.")
        var customer: String?

        func run() throws {
            let set: RuleSet
            do {
                set = try RuleLoader.load(root: rules)
            } catch {
                for d in error.diagnostics where d.severity == .error { print(d) }
                throw ExitCode(1)
            }
            let active = customer.map { Set(set.activeRules(for: .init($0))) }
            for r in set.rules where active?.contains(r.id) ?? true {
                print("\(r.id)\t\(r.kind.rawValue)\t\(r.level.rawValue)\t\(r.title)\t\(r.path):\(r.line)")
            }
        }
    }
}

/// Syslog lines of `.log` fixtures, parsed as the daemon parses them (with the rules tree's extractors).
struct SyslogLineDecoder: Sendable {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    let parser: EventParser
    let receivedTime: Timestamp
    let timeZone: ZoneRules

    init(extractors: ExtractorSet, receivedTime: Timestamp, timeZone: ZoneRules) {
        parser = EventParser(protocol: .auto, extractors: extractors)
        self.receivedTime = receivedTime
        self.timeZone = timeZone
    }

    func decode(_ line: String, _ index: Int, _ customer: CustomerID, _ fallback: Timestamp) throws -> Event {
        let context = ParseContext(customer: customer, listener: "fixture", receivedTime: receivedTime, timeZone: timeZone, sequence: UInt64(index))
        switch parser.parse(Array(EvalEventReader.withPriority(Array(line.utf8))), context: context) {
        case .success(let event): return event
        case .failure(let error): throw Failure(description: "line \(index + 1): \(error)")
        }
    }
}
