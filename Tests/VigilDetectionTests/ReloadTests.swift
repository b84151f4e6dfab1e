import Testing
import VigilEvents
@testable import VigilDetection

@Suite("Hot reload keeps the state of unchanged rules")
struct ReloadTests {
    static let base = "title: f\nname: f\nlogsource: {product: test}\ndetection:\n    sel:\n        k: x\n    condition: sel\n"
    static let other = "title: o\nname: o\nlogsource: {product: test}\ndetection:\n    sel:\n        k: y\n    condition: sel\n"

    static func corr(_ id: String, _ threshold: Int, rule: String = "f") -> String {
        "title: \(id)\nid: \(id)\ncorrelation:\n    type: event_count\n    rules: [\(rule)]\n    group-by: [g]\n    timespan: 1h\n    condition: {gte: \(threshold)}\n"
    }

    func e(_ s: Int64, k: String = "x", seq: UInt64) -> Event {
        event(fieldList: [("k", .string(k)), ("g", "same")], time: at(s), sequence: seq)
    }

    @Test func unchangedRulesKeepTheirWindows() throws {
        let old = try load([ReloadTests.base, ReloadTests.corr("c1", 3), ReloadTests.corr("c2", 3), ReloadTests.corr("c4", 3)])
        let engine = DetectionEngine(ruleSet: old, options: .init(allowedLateness: .zero))
        #expect(engine.process(e(0, seq: 0)).isEmpty)
        #expect(engine.process(e(1, seq: 1)).isEmpty)
        let new = try load([ReloadTests.base, ReloadTests.corr("c1", 3), ReloadTests.corr("c2", 4), ReloadTests.corr("c3", 3)])
        let diff = engine.replace(ruleSet: new)
        #expect(diff.addedRules == ["c3"])
        #expect(diff.removedRules == ["c4"])
        #expect(diff.changedRules == ["c2"])
        #expect(diff.keptStates == 1)
        #expect(diff.droppedStates == 2)
        #expect(diff.changedCustomers == ["default"])
        #expect(diff.description.hasPrefix("rules +1 -1 ~1 (added: c3; removed: c4; changed: c2)"))
        let hits = engine.process(e(2, seq: 2))
        // c1 remembers the two earlier events; c2 (changed) and c3 (new) start from this one.
        #expect(hits.map(\.ruleID) == ["c1"])
        #expect(hits.first?.eventSequences == [0, 1, 2])
    }

    @Test func reloadingTheSameTextKeepsEverything() throws {
        let texts = [ReloadTests.base, ReloadTests.corr("c1", 3)]
        let engine = DetectionEngine(ruleSet: try load(texts), options: .init(allowedLateness: .zero))
        _ = engine.process(e(0, seq: 0))
        _ = engine.process(e(1, seq: 1))
        let diff = engine.replace(ruleSet: try load(texts))
        #expect(diff.isEmpty)
        #expect(diff.keptStates == 1)
        #expect(engine.process(e(2, seq: 2)).count == 1)
    }

    @Test func changingAnInputRuleResetsTheCorrelation() throws {
        let engine = DetectionEngine(ruleSet: try load([ReloadTests.base, ReloadTests.corr("c1", 3)]), options: .init(allowedLateness: .zero))
        _ = engine.process(e(0, seq: 0))
        _ = engine.process(e(1, seq: 1))
        let changedBase = ReloadTests.base.replacingOccurrences(of: "k: x", with: "k: [x, z]")
        let diff = engine.replace(ruleSet: try load([changedBase, ReloadTests.corr("c1", 3)]))
        #expect(diff.changedRules == ["f"])
        #expect(diff.keptStates == 0)
        #expect(engine.process(e(2, seq: 2)).isEmpty)
    }

    @Test func playbookSettingsChangeOnlyResetsThatRule() throws {
        func playbook(_ t: Int) -> String { "id: bank\nname: Bank\ntimezone: UTC\nenable: [c1, c2]\nrules:\n    c2:\n        threshold: \(t)\n" }
        let rules = [ReloadTests.base, ReloadTests.corr("c1", 3), ReloadTests.corr("c2", 3)]
        let engine = DetectionEngine(ruleSet: try load(rules, playbooks: ["bank": playbook(3)], defaultCustomer: nil),
                                     options: .init(allowedLateness: .zero))
        func b(_ s: Int64, _ seq: UInt64) -> Event { event(fieldList: [("k", "x"), ("g", "same")], time: at(s), customer: "bank", sequence: seq) }
        _ = engine.process(b(0, 0))
        _ = engine.process(b(1, 1))
        let diff = engine.replace(ruleSet: try load(rules, playbooks: ["bank": playbook(5)], defaultCustomer: nil))
        #expect(diff.changedRules.isEmpty)
        #expect(diff.changedCustomers == ["bank"])
        #expect(diff.keptStates == 1)
        #expect(engine.process(b(2, 2)).map(\.ruleID) == ["c1"])
    }

    @Test func aBrokenFileLeavesTheOldRuleSetRunning() throws {
        let engine = DetectionEngine(ruleSet: try load([ReloadTests.base, ReloadTests.corr("c1", 2)]), options: .init(allowedLateness: .zero))
        _ = engine.process(e(0, seq: 0))
        let broken = ReloadTests.corr("c1", 2).replacingOccurrences(of: "timespan: 1h", with: "timespan: soon")
        var failure: [RuleDiagnostic] = []
        do {
            _ = engine.replace(ruleSet: try load([ReloadTests.base, broken]))
        } catch let error as LoadError {
            failure = error.diagnostics
        }
        #expect(failure.first?.description == "rules/library/r1.yml:7:15: error: 'soon' is not a timespan such as 30s, 5m, 1h or 1d")
        #expect(engine.process(e(1, seq: 1)).count == 1)
    }

    @Test func pendingInputOfKeptRulesSurvivesAReload() throws {
        let texts = [ReloadTests.base, ReloadTests.other, ReloadTests.corr("c1", 2)]
        let engine = DetectionEngine(ruleSet: try load(texts), options: .init(allowedLateness: .seconds(60)))
        _ = engine.process(e(0, seq: 0))
        _ = engine.process(e(1, seq: 1))
        #expect(engine.statistics.pendingOccurrences == 2)
        _ = engine.replace(ruleSet: try load(texts + [ReloadTests.corr("c9", 2, rule: "o")]))
        #expect(engine.statistics.pendingOccurrences == 2)
        #expect(engine.advance(to: at(100)).map(\.ruleID) == ["c1"])
    }
}
