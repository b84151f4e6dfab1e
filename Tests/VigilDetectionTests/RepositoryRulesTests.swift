import Foundation
import Testing
import VigilEvents
import VigilIngest
@testable import VigilDetection

/// The starter library in `rules/`: it loads cleanly and every fixture passes (what `vigil rules test` runs).
@Suite("The rules/ tree of this repository")
struct RepositoryRulesTests {
    static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.appendingPathComponent("rules").path
    }()

    @Test func theTreeLoadsWithoutErrors() throws {
        let set = try RuleLoader.load(root: RepositoryRulesTests.root)
        #expect(set.customers == ["bank-nord", "factory-sued", "leasing-west"])
        #expect(set.rules.count >= 20)
        #expect(set.diagnostics.filter { $0.severity == .error }.isEmpty)
        let bank = try #require(set.playbooks["bank-nord"])
        #expect(bank.monitoringExclusions.map(\.approver) == ["Dr. Karin Weber, COO, Bank Nord AG"])
        #expect(bank.slaTargets == ["P1": "30m", "P2": "4h"])
        let leasing = try #require(set.playbooks["leasing-west"])
        #expect(leasing.severityOverrides.first?.level == .critical)
        #expect(leasing.severityOverrides.first?.requestedBy.isEmpty == false)
    }

    @Test func everyFixturePasses() throws {
        let set = try RuleLoader.load(root: RepositoryRulesTests.root, options: .init(defaultCustomer: RuleLoadOptions.evalCustomer))
        let fixtures = try FixtureRunner.discover(root: RepositoryRulesTests.root, ruleSet: set)
        #expect(fixtures.count >= 26)
        #expect(fixtures.contains { $0.eventsPath.hasSuffix("ssh_brute_force.recorded.log") })
        let extractors = try ExtractorSet.load(directory: RepositoryRulesTests.root + "/extractors")
        for fixture in fixtures {
            let parser = EventParser(protocol: .auto, extractors: extractors)
            let received = fixture.received ?? .epoch
            let decode: FixtureRunner.LineDecoder = { line, index, customer, _ in
                try parser.parse(Array(line.utf8), context: ParseContext(customer: customer, receivedTime: received, sequence: UInt64(index))).get()
            }
            let outcome = FixtureRunner.run(fixture, ruleSet: set, logDecoder: decode)
            #expect(outcome.passed, "\(fixture.rulePath) [\(fixture.name)]:\n\(outcome.diff.joined(separator: "\n"))")
        }
        // Every rule file has at least one fixture.
        let withFixtures = Set(fixtures.map(\.rulePath))
        let ruleFiles = Set(set.rules.map(\.path))
        #expect(ruleFiles.subtracting(withFixtures).isEmpty, "rules without fixtures: \(ruleFiles.subtracting(withFixtures).sorted())")
    }

    @Test func replayIsDeterministic() throws {
        let set = try RuleLoader.load(root: RepositoryRulesTests.root, options: .init(defaultCustomer: RuleLoadOptions.evalCustomer))
        let text = try String(contentsOfFile: RepositoryRulesTests.root + "/library/linux/ssh_brute_force.events.jsonl", encoding: .utf8)
        func replay() throws -> [String] {
            let engine = DetectionEngine(ruleSet: set)
            var out: [String] = []
            var last = Timestamp.epoch
            for (i, line) in text.split(separator: "\n").enumerated() {
                let e = try JSONEventDecoder.decode(String(line), sequence: UInt64(i), customer: "default", fallbackTime: last)
                last = e.eventTime
                out += engine.process(e).map { "\($0.id) " + HitJSON.line($0) }
            }
            out += engine.advance(to: last + .seconds(1)).map { "\($0.id) " + HitJSON.line($0) }
            return out
        }
        let first = try replay()
        #expect(first.count == 2)
        #expect(try replay() == first)
    }
}
