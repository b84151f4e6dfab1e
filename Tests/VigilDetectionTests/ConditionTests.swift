import Testing
import VigilEvents
@testable import VigilDetection

@Suite("Sigma condition grammar")
struct ConditionTests {
    let selections = """
        sel_a:
            a: 1
        sel_b:
            b: 1
        filter_c:
            c: 1
        _hidden:
            d: 1
        """

    func check(_ condition: String, _ fields: KeyValuePairs<String, FieldValue>) throws -> Bool {
        try matches(detectionRule(selections + "\ncondition: \(condition)"), event(fields))
    }

    @Test func andOrNotAndPrecedence() throws {
        #expect(try check("sel_a and sel_b", ["a": 1, "b": 1]))
        #expect(try !check("sel_a and sel_b", ["a": 1]))
        #expect(try check("sel_a or sel_b", ["b": 1]))
        #expect(try check("sel_a and not filter_c", ["a": 1]))
        #expect(try !check("sel_a and not filter_c", ["a": 1, "c": 1]))
        // `and` binds tighter than `or`.
        #expect(try check("sel_a or sel_b and filter_c", ["a": 1]))
        #expect(try !check("(sel_a or sel_b) and filter_c", ["a": 1]))
        // `not` binds tighter than `and`.
        #expect(try check("not sel_a and sel_b", ["b": 1]))
        #expect(try !check("not (sel_a and sel_b) and sel_b", ["a": 1, "b": 1]))
        #expect(try check("NOT sel_a AND sel_b", ["b": 1]))
    }

    @Test func quantifiers() throws {
        #expect(try check("1 of sel_*", ["b": 1]))
        #expect(try !check("all of sel_*", ["b": 1]))
        #expect(try check("all of sel_*", ["a": 1, "b": 1]))
        #expect(try check("any of sel_*", ["a": 1]))
        #expect(try check("1 of sel_* and not 1 of filter*", ["a": 1]))
        #expect(try !check("1 of sel_* and not 1 of filter*", ["a": 1, "c": 1]))
        #expect(try check("1 of *_b", ["b": 1]))
    }

    @Test func themSkipsUnderscoreIdentifiers() throws {
        #expect(try check("1 of them", ["c": 1]))
        #expect(try !check("1 of them", ["d": 1]))
        #expect(try check("all of them", ["a": 1, "b": 1, "c": 1]))
        #expect(try check("_hidden", ["d": 1]))
    }

    @Test func conditionListsAreOr() throws {
        let rule = detectionRule(selections + "\ncondition:\n    - sel_a and sel_b\n    - filter_c")
        #expect(try matches(rule, event(["c": 1])))
        #expect(try matches(rule, event(["a": 1, "b": 1])))
        #expect(try !matches(rule, event(["a": 1])))
    }

    @Test func parserTree() throws {
        let ast = try ConditionParser.parse("a or b and not c")
        #expect(ast == .or([.identifier("a", offset: 0), .and([.identifier("b", offset: 5), .not(.identifier("c", offset: 15))])]))
        #expect(try ConditionParser.parse("all of them") == .allOf(nil, offset: 0))
        #expect(try ConditionParser.parse("((x))") == .identifier("x", offset: 2))
    }

    @Test func syntaxErrorsCarryOffsets() {
        func offset(_ text: String) -> (Int, String)? {
            do {
                _ = try ConditionParser.parse(text)
                return nil
            } catch {
                return (error.offset, error.code)
            }
        }
        #expect(offset("a and")?.0 == 5)
        #expect(offset("(a or b")?.0 == 7)
        #expect(offset("a | count() > 5")! == (2, "unsupported-aggregation"))
        #expect(offset("a near b")! == (2, "unsupported-near"))
        #expect(offset("2 of sel*")! == (0, "unsupported-quantifier"))
        #expect(offset("sel* and a")?.0 == 0)
        #expect(offset("a b")?.0 == 2)
    }
}
