import Testing
import VigilEvents
@testable import VigilDetection

@Suite("vigil explain traces")
struct ExplainTests {
    @Test func explainsDownToTheFailingModifier() throws {
        let rule = """
            title: Suspicious curl
            id: curl
            logsource: {product: test}
            detection:
                sel:
                    process.name: curl
                    cmd|contains|all: ['-o', '/tmp/']
                filter:
                    user.name: backup
                condition: sel and not filter
            """
        let set = try load([rule])
        let e = event(["process.name": "curl", "cmd": "curl -o /var/x http://e", "user.name": "bob"])
        let node = try RuleExplainer.explain(ruleSet: set, rule: "curl", event: e)
        let text = node.rendered()
        #expect(!node.result)
        #expect(text.contains("✗ curl for customer default: NO MATCH"))
        #expect(text.contains("✓ process.name: process.name = 'curl'"))
        #expect(text.contains("✗ cmd|contains|all (all): cmd = 'curl -o /var/x http://e'"))
        #expect(text.contains("✓ contains '-o'"))
        #expect(text.contains("✗ contains '/tmp/'"))
        let ok = try RuleExplainer.explain(ruleSet: set, rule: "curl", event: event(["process.name": "curl", "cmd": "curl -o /tmp/x"]))
        #expect(ok.result)
        #expect(throws: RuleExplainer.Failure.self) { try RuleExplainer.explain(ruleSet: set, rule: "nope", event: e) }
    }

    @Test func explainsCorrelationInputs() throws {
        let base = "title: f\nname: f\nlogsource: {product: test}\ndetection: {s: {k: x}, condition: s}\n"
        let corr = "title: c\nid: c\ncorrelation:\n    type: event_count\n    rules: [f]\n    group-by: [g]\n    timespan: 1h\n    condition: {gte: 2}\n"
        let set = try load([base, corr])
        let node = try RuleExplainer.explain(ruleSet: set, rule: "c", event: event(["k": "x"]))
        let text = node.rendered()
        #expect(text.contains("event_count correlation over 1h"))
        #expect(text.contains("✗ group-by g = missing"))
    }
}
