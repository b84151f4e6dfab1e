import Testing
import VigilEvents
@testable import VigilDetection

/// Each broken rule gives an error at its exact place, with a code naming the construct.
@Suite("Bad rule files give precise errors")
struct BadRuleTests {
    func only(_ text: String, playbooks: [String: String] = [:], logsources: String? = nil) -> RuleDiagnostic? {
        let errs = errors([text], playbooks: playbooks, logsources: logsources)
        return errs.first
    }

    func rule(_ detection: String, header: String = "title: Bad\nid: bad\nlogsource:\n    product: test\n") -> String {
        header + "detection:\n" + detection
    }

    @Test func unknownModifier() throws {
        let d = try #require(only(rule("    sel:\n        cmd|contanis: foo\n    condition: sel\n")))
        #expect(d.code == "unknown-modifier")
        #expect((d.line, d.column) == (7, 13))
        #expect(d.description == "rules/library/r0.yml:7:13: error: unknown modifier 'contanis' in 'cmd|contanis'")
    }

    @Test func unknownIdentifierInCondition() throws {
        let d = try #require(only(rule("    sel:\n        a: 1\n    condition: sel and filter\n")))
        #expect(d.code == "unknown-identifier")
        #expect((d.line, d.column) == (8, 24))
    }

    @Test func quotedConditionColumns() throws {
        let d = try #require(only(rule("    sel:\n        a: 1\n    condition: 'sel or nope'\n")))
        #expect((d.line, d.column, d.code) == (8, 24, "unknown-identifier"))
    }

    @Test func obsoleteAggregationAndNear() throws {
        let agg = try #require(only(rule("    sel:\n        a: 1\n    condition: sel | count() by host > 5\n")))
        #expect((agg.line, agg.column, agg.code) == (8, 20, "unsupported-aggregation"))
        let near = try #require(only(rule("    sel:\n        a: 1\n    other:\n        b: 1\n    condition: sel near other\n")))
        #expect((near.line, near.column, near.code) == (10, 20, "unsupported-near"))
        let tf = try #require(only(rule("    sel:\n        a: 1\n    timeframe: 5m\n    condition: sel\n")))
        #expect((tf.line, tf.column, tf.code) == (8, 5, "unsupported-timeframe"))
    }

    @Test func unsupportedQuantifier() throws {
        let d = try #require(only(rule("    sel1:\n        a: 1\n    sel2:\n        b: 1\n    condition: 2 of sel*\n")))
        #expect((d.line, d.column, d.code) == (10, 16, "unsupported-quantifier"))
    }

    @Test func patternMatchingNothing() throws {
        let d = try #require(only(rule("    sel:\n        a: 1\n    condition: 1 of filter*\n")))
        #expect((d.line, d.column, d.code) == (8, 16, "unknown-identifier"))
    }

    @Test func missingCondition() throws {
        let d = try #require(only(rule("    sel:\n        a: 1\n")))
        #expect((d.line, d.code) == (6, "missing-condition"))
    }

    @Test func invalidRegexAndCIDR() throws {
        let re = try #require(only(rule("    sel:\n        cmd|re: '(unclosed'\n    condition: sel\n")))
        #expect((re.line, re.column, re.code) == (7, 17, "invalid-regex"))
        let cidr = try #require(only(rule("    sel:\n        ip|cidr: 10.0.0.0/33\n    condition: sel\n")))
        #expect((cidr.line, cidr.column, cidr.code) == (7, 18, "invalid-cidr"))
    }

    @Test func modifierMisuse() throws {
        let all = try #require(only(rule("    sel:\n        cmd|contains|all: one\n    condition: sel\n")))
        #expect((all.line, all.column, all.code) == (7, 22, "all-needs-list"))
        let conflict = try #require(only(rule("    sel:\n        cmd|re|contains: x\n    condition: sel\n")))
        #expect((conflict.line, conflict.column, conflict.code) == (7, 16, "conflicting-modifiers"))
        let flag = try #require(only(rule("    sel:\n        cmd|i: x\n    condition: sel\n")))
        #expect((flag.line, flag.column, flag.code) == (7, 13, "conflicting-modifiers"))
        let exists = try #require(only(rule("    sel:\n        cmd|exists: yes please\n    condition: sel\n")))
        #expect((exists.line, exists.code) == (7, "invalid-value"))
        let wildcard = try #require(only(rule("    sel:\n        cmd|contains|base64: x\n    condition: sel\n")))
        #expect((wildcard.line, wildcard.column, wildcard.code) == (7, 22, "encoding-wildcard"))
        let compare = try #require(only(rule("    sel:\n        n|gt: many\n    condition: sel\n")))
        #expect((compare.line, compare.column, compare.code) == (7, 15, "invalid-value"))
        let dup = try #require(only(rule("    sel:\n        n|contains|contains: x\n    condition: sel\n")))
        #expect((dup.line, dup.column, dup.code) == (7, 20, "duplicate-modifier"))
        let nested = try #require(only(rule("    sel:\n        n:\n            x: 1\n    condition: sel\n")))
        #expect((nested.line, nested.code) == (8, "invalid-value"))
    }

    @Test func yamlSyntaxError() throws {
        let d = try #require(only("title: x\nid: x\nlogsource:\n    product: test\ndetection:\n    sel:\n      a: [1, 2\n    condition: sel\n"))
        #expect(d.code == "yaml-syntax")
        #expect(d.line >= 7)
        let dupKey = try #require(only("title: x\nid: x\ntitle: y\nlogsource: {product: t}\ndetection: {s: {a: 1}, condition: s}\n"))
        #expect(dupKey.code == "yaml-duplicate-key")
    }

    @Test func metadataErrors() throws {
        let noTitle = try #require(only("id: x\nlogsource: {product: t}\ndetection: {s: {a: 1}, condition: s}\n"))
        #expect((noTitle.line, noTitle.code) == (1, "missing-title"))
        let noID = try #require(only("title: x\nlogsource: {product: t}\ndetection: {s: {a: 1}, condition: s}\n"))
        #expect(noID.code == "missing-id")
        let level = try #require(only("title: x\nid: x\nlevel: severe\nlogsource: {product: t}\ndetection: {s: {a: 1}, condition: s}\n"))
        #expect((level.line, level.column, level.code) == (3, 8, "invalid-level"))
        let noLogsource = try #require(only("title: x\nid: x\ndetection: {s: {a: 1}, condition: s}\n"))
        #expect(noLogsource.code == "missing-logsource")
        let action = try #require(only("action: global\ntitle: x\n"))
        #expect((action.line, action.column, action.code) == (1, 1, "unsupported-action"))
        let vigil = try #require(only("title: x\nid: x\nlogsource: {product: t}\ndetection: {s: {a: 1}, condition: s}\nvigil:\n    supress: 5m\n"))
        #expect((vigil.line, vigil.column, vigil.code) == (6, 5, "unknown-vigil-key"))
    }

    @Test func duplicateIDs() throws {
        let a = "title: a\nid: same\nlogsource: {product: t}\ndetection: {s: {a: 1}, condition: s}\n"
        let errs = errors([a, a])
        #expect(errs.count == 1)
        #expect(errs[0].code == "duplicate-rule")
        #expect(errs[0].path == "rules/library/r1.yml")
        #expect(errs[0].message.contains("rules/library/r0.yml:1:1"))
    }

    @Test func placeholdersOutsideRulesAreRejected() throws {
        let map = "logsources:\n    - product: linux\n      conditions:\n          host.name|expand: '%hosts%'\n"
        let r = "title: x\nid: x\nlogsource: {product: linux}\ndetection: {s: {a: 1}, condition: s}\n"
        let d = try #require(only(r, logsources: map))
        #expect((d.path, d.line, d.code) == ("rules/logsources.yml", 4, "unsupported-placeholder"))
    }

    @Test func unknownLogsource() throws {
        let map = "logsources:\n    - product: linux\n      service: sshd\n      conditions:\n          process.name: sshd\n"
        let r = "title: x\nid: x\nlogsource:\n    product: windows\n    service: security\ndetection: {s: {a: 1}, condition: s}\n"
        let d = try #require(only(r, logsources: map))
        #expect((d.line, d.column, d.code) == (4, 5, "unknown-logsource"))
        #expect(d.message.contains("product 'windows'"))
    }

    static let base = "title: base\nname: base\nid: base-id\nlogsource: {product: test}\ndetection: {s: {a: 1}, condition: s}\n"

    func correlation(_ body: String) -> String { "title: c\nid: corr\ncorrelation:\n" + body }

    @Test func correlationErrors() throws {
        func err(_ body: String) -> RuleDiagnostic? { errors([BadRuleTests.base, correlation(body)]).first }
        let type = try #require(err("    type: event_sum\n    rules: [base]\n    timespan: 5m\n    condition: {gte: 2}\n"))
        #expect((type.line, type.column, type.code) == (4, 11, "unknown-correlation-type"))
        let span = try #require(err("    type: event_count\n    rules: [base]\n    timespan: 1M\n    condition: {gte: 2}\n"))
        #expect((span.line, span.column, span.code) == (6, 15, "invalid-timespan"))
        #expect(span.message.contains("months"))
        let ref = try #require(err("    type: event_count\n    rules: [nosuch]\n    timespan: 5m\n    condition: {gte: 2}\n"))
        #expect((ref.line, ref.column, ref.code) == (5, 13, "unknown-rule-reference"))
        let field = try #require(err("    type: value_count\n    rules: [base]\n    timespan: 5m\n    condition: {gte: 2}\n"))
        #expect(field.code == "missing-condition-field")
        let pct = try #require(err("    type: value_percentile\n    rules: [base]\n    timespan: 5m\n    condition: {field: n, gte: 2}\n"))
        #expect(pct.code == "missing-percentile")
        let ordered = try #require(err("    type: temporal_ordered\n    rules: [base, base-id2]\n    timespan: 5m\n    condition: {gte: 1}\n"))
        #expect(ordered.code == "invalid-correlation-rules" || ordered.code == "unsupported-ordered-condition")
        let ext = try #require(err("    type: temporal\n    rules: [base, x]\n    timespan: 5m\n    condition: 'base and x'\n"))
        #expect(ext.code == "unsupported-extended-condition")
        let key = try #require(err("    type: event_count\n    rules: [base]\n    timespan: 5m\n    condition: {gte: 2}\n    window: sliding\n"))
        #expect((key.line, key.column, key.code) == (8, 5, "unknown-correlation-key"))
        let noSpan = try #require(err("    type: event_count\n    rules: [base]\n    condition: {gte: 2}\n"))
        #expect(noSpan.code == "missing-timespan")
        let op = try #require(err("    type: event_count\n    rules: [base]\n    timespan: 5m\n    condition: {greater: 2}\n"))
        #expect(op.code == "invalid-condition")
    }

    @Test func correlationCycle() throws {
        let a = "title: a\nid: ca\ncorrelation:\n    type: event_count\n    rules: [cb]\n    timespan: 5m\n    condition: {gte: 2}\n"
        let b = "title: b\nid: cb\ncorrelation:\n    type: event_count\n    rules: [ca]\n    timespan: 5m\n    condition: {gte: 2}\n"
        let errs = errors([a, b])
        #expect(errs.contains { $0.code == "correlation-cycle" })
    }

    @Test func chainedGroupByMustBeAvailable() throws {
        let inner = "title: inner\nid: inner\ncorrelation:\n    type: event_count\n    rules: [base]\n    group-by: [user]\n    timespan: 5m\n    condition: {gte: 2}\n"
        let outer = "title: outer\nid: outer\ncorrelation:\n    type: event_count\n    rules: [inner]\n    group-by: [host]\n    timespan: 5m\n    condition: {gte: 2}\n"
        let errs = errors([BadRuleTests.base, inner, outer])
        let d = try #require(errs.first)
        #expect(d.code == "incompatible-group-by")
        #expect(d.path == "rules/library/r2.yml")
        #expect((d.line, d.column) == (5, 13))
    }

    @Test func playbookErrors() throws {
        func pb(_ text: String) -> RuleDiagnostic? { errors([BadRuleTests.base], playbooks: ["bank": text]).first }
        let tz = try #require(pb("id: bank\nname: Bank\ntimezone: Mars/Olympus\nenable: [base]\n"))
        #expect((tz.path, tz.line, tz.column, tz.code) == ("rules/customers/bank.yml", 3, 11, "invalid-timezone"))
        let mismatch = try #require(pb("id: other\nname: Bank\ntimezone: UTC\n"))
        #expect((mismatch.line, mismatch.column, mismatch.code) == (1, 5, "playbook-id-mismatch"))
        let selector = try #require(pb("id: bank\nname: Bank\ntimezone: UTC\nenable:\n    - base\n    - {tag: attack.nothing}\n"))
        #expect((selector.line, selector.column, selector.code) == (6, 7, "unmatched-selector"))
        let override = try #require(pb("id: bank\nname: Bank\ntimezone: UTC\nenable: [base]\nseverity_overrides:\n    - rules: [base]\n      level: critical\n      reason: asked\n"))
        #expect((override.line, override.column, override.code) == (6, 7, "missing-requested-by"))
        let exclusion = try #require(pb("id: bank\nname: Bank\ntimezone: UTC\nmonitoring_exclusions:\n    - name: billing\n      match: {host.name: billing}\n      date: 2026-01-15\n"))
        #expect((exclusion.line, exclusion.code) == (5, "missing-approver"))
        let date = try #require(pb("id: bank\nname: Bank\ntimezone: UTC\nmonitoring_exclusions:\n    - name: billing\n      match: {host.name: billing}\n      approver: CFO\n      date: last week\n"))
        #expect((date.line, date.column, date.code) == (8, 13, "invalid-date"))
        let setting = try #require(pb("id: bank\nname: Bank\ntimezone: UTC\nenable: [base]\nrules:\n    base:\n        threshold: 5\n"))
        #expect((setting.line, setting.column, setting.code) == (6, 5, "invalid-setting"))
        let unknownRule = try #require(pb("id: bank\nname: Bank\ntimezone: UTC\nenable: [base]\nrules:\n    nope:\n        level: high\n"))
        #expect((unknownRule.line, unknownRule.column, unknownRule.code) == (6, 5, "unknown-rule"))
        let key = try #require(pb("id: bank\nname: Bank\ntimezone: UTC\nenabled: [base]\n"))
        #expect((key.line, key.column, key.code) == (4, 1, "unknown-playbook-key"))
        let slaPriority = try #require(pb("id: bank\nname: Bank\ntimezone: UTC\nsla_targets:\n    P9: 1h\n"))
        #expect((slaPriority.line, slaPriority.column, slaPriority.code) == (5, 5, "invalid-sla-targets"))
        let slaDuration = try #require(pb("id: bank\nname: Bank\ntimezone: UTC\nsla_targets: {P1: soon}\n"))
        #expect((slaDuration.line, slaDuration.column, slaDuration.code) == (4, 19, "invalid-sla-targets"))
    }

    @Test func everyErrorIsReportedNotJustTheFirst() {
        let a = rule("    sel:\n        cmd|nope: x\n    condition: sel\n")
        let b = "title: b\nid: b\nlogsource: {product: t}\ndetection: {s: {a: 1}, condition: s and t}\n"
        let errs = errors([a, b])
        #expect(errs.count == 2)
        #expect(Set(errs.map(\.path)) == ["rules/library/r0.yml", "rules/library/r1.yml"])
    }
}
