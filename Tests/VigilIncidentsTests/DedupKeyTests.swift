import Testing
import VigilDetection
import VigilEvents
@testable import VigilIncidents

@Suite("Dedup key")
struct DedupKeyTests {
    @Test("customer, rule and group values in rule order make the key")
    func canonical() {
        let key = DedupKey(customer: "bank-nord", ruleID: "ssh-brute", group: [GroupValue(field: "source.ip", value: "203.0.113.7")])
        #expect(key.rawValue == #"["bank-nord","ssh-brute",[["source.ip","203.0.113.7"]]]"#)
        #expect(DedupKey(customer: "c", ruleID: "r", group: []).rawValue == #"["c","r",[]]"#)
    }

    @Test("keys that would collide under naive joining stay distinct")
    func unambiguous() {
        let a = DedupKey(customer: "c", ruleID: "r", group: [GroupValue(field: "a", value: "b,c")])
        let b = DedupKey(customer: "c", ruleID: "r", group: [GroupValue(field: "a", value: "b"), GroupValue(field: "c", value: "")])
        let quote = DedupKey(customer: "c", ruleID: "r\",\"x", group: [])
        let plain = DedupKey(customer: "c", ruleID: "r", group: [GroupValue(field: "x", value: "")])
        #expect(a.rawValue != b.rawValue)
        #expect(quote.rawValue != plain.rawValue)
        #expect(quote.rawValue == #"["c","r\",\"x",[]]"#)
    }

    @Test("different customers never share a key")
    func tenancy() {
        let g = [GroupValue(field: "user.name", value: "alice")]
        #expect(DedupKey(customer: "a", ruleID: "r", group: g) != DedupKey(customer: "b", ruleID: "r", group: g))
        #expect(DedupKey(customer: "a", ruleID: "r", group: g).rawValue != DedupKey(customer: "b", ruleID: "r", group: g).rawValue)
    }
}
