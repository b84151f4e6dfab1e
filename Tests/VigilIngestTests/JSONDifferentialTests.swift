import Foundation
import Testing
import VigilEvents
@testable import VigilIngest

/// Vigil's JSON parser against Foundation's JSONSerialization on generated documents and their mutations.
///
/// Known differences, where JSONSerialization (swift-corelibs-foundation, Swift 6.3) departs from RFC 8259:
/// - it accepts trailing commas (`{"a":1,}`); we reject them;
/// - it drops a raw U+FEFF at the start of a string or right after an escape; we keep it (see `byteOrderMarkInStrings`);
/// - it misrounds some long decimal mantissas by one ulp; we round correctly (see `numbersRoundCorrectly`),
///   so numbers are compared to 1e-15 relative.
@Suite("JSON differential vs JSONSerialization")
struct JSONDifferentialTests {
    let parser = EventParser(protocol: .json)

    func ours(_ bytes: [UInt8]) -> Result<Event, ParseError> { parser.parse(bytes, context: ParserFixture.context()) }

    @Test("Generated valid documents: both accept, and every flattened value agrees")
    func validDocuments() async throws {
        var generator = JSONDocumentGenerator(seed: 20261121)
        var compared = 0
        for n in 0..<4000 {
            // Long CPU-bound loops yield now and then: the tests share a cooperative pool as wide as the machine
            // (2 threads here), and timing checks elsewhere must not wait for this loop to end.
            if n % 250 == 0 { await Task.yield() }
            let doc = generator.document()
            let reference = try #require(FoundationJSONReference.parse(doc) as? [String: Any], "Foundation rejected \(String(decoding: doc, as: UTF8.self))")
            let event: Event
            switch ours(doc) {
            case .success(let e): event = e
            case .failure(let error):
                Issue.record("rejected (\(error)): \(String(decoding: doc, as: UTF8.self))")
                continue
            }
            let expected = FoundationJSONReference.flatten(reference)
            var actual: [String: FieldValue] = [:]
            for field in event.fields { actual[field.path] = field.value }
            #expect(Set(actual.keys) == Set(expected.keys), "\(String(decoding: doc, as: UTF8.self))")
            for (path, value) in expected {
                guard let mine = actual[path] else { continue }
                #expect(FoundationJSONReference.agree(mine, value), "\(path): \(mine) vs \(value) in \(String(decoding: doc, as: UTF8.self))")
                compared += 1
            }
        }
        #expect(compared > 10_000)
    }

    @Test("Mutated documents: both accept or both reject (and agree on values when both accept)")
    func mutations() async {
        var generator = JSONDocumentGenerator(seed: 7)
        var counts = (agreeValid: 0, agreeInvalid: 0, trailingComma: 0)
        for n in 0..<20_000 {
            if n % 250 == 0 { await Task.yield() }
            let doc = generator.mutate(generator.document())
            let reference = FoundationJSONReference.parse(doc)
            let mine = ours(doc)
            let text = String(decoding: doc, as: UTF8.self)
            switch (mine, reference) {
            case (.success(let event), let ref?):
                guard let dict = ref as? [String: Any] else {
                    Issue.record("we accepted a non-object: \(text)")
                    continue
                }
                counts.agreeValid += 1
                let expected = FoundationJSONReference.flatten(dict)
                for field in event.fields {
                    guard let value = expected[field.path] else {
                        Issue.record("extra field \(field.path) in \(text)")
                        continue
                    }
                    #expect(FoundationJSONReference.agree(field.value, value), "\(field.path) in \(text)")
                }
            case (.failure, nil):
                counts.agreeInvalid += 1
            case (.failure(let error), let ref?):
                if error.reason == .notAnObject || error.reason == .empty, !(ref is [String: Any]) {
                    counts.agreeInvalid += 1  // a fragment: valid JSON, but not an event
                } else if case .success = ours(FoundationJSONReference.withoutTrailingCommas(doc)) {
                    counts.trailingComma += 1
                } else {
                    Issue.record("we reject (\(error)) what JSONSerialization accepts: \(text)")
                }
            case (.success, nil):
                Issue.record("we accept what JSONSerialization rejects: \(text)")
            }
        }
        #expect(counts.agreeValid > 500)
        #expect(counts.agreeInvalid > 5000)
    }

    @Test("U+FEFF inside strings is content (RFC 8259), wherever it stands")
    func byteOrderMarkInStrings() throws {
        for json in ["{\"a\":\"\u{FEFF}y\"}", "{\"a\":\"\\t\u{FEFF}y\"}", #"{"a":"\uFEFFy"}"#, "{\"a\":\"x\u{FEFF}\"}"] {
            let e = try ours(Array(json.utf8)).get()
            #expect(e.string("a")?.unicodeScalars.contains("\u{FEFF}") == true, "\(json)")
        }
    }

    @Test("Number literals convert exactly as the standard library's correctly rounded parser does")
    func numbersRoundCorrectly() async {
        var generator = JSONDocumentGenerator(seed: 99)
        var literals: [String] = ["9.3333333333333333333e3", "0.1", "1e23", "8.98846567431158e307", "2.2250738585072011e-308",
                                  "4.9406564584124654e-324", "1.7976931348623157e308", "123456789012345678901234567890", "-0.0", "1e-400"]
        for _ in 0..<50_000 { literals.append(generator.number()) }
        for (n, literal) in literals.enumerated() {
            if n % 1000 == 0 { await Task.yield() }
            let bytes = Array(literal.utf8)
            let integral = !literal.contains(where: { $0 == "." || $0 == "e" || $0 == "E" })
            let value = bytes.withUnsafeBufferPointer { JSONNumber.value($0, 0, $0.count, integral: integral) }
            switch value {
            case .int(let i): #expect(String(i) == literal || (literal == "-0" && i == 0), "\(literal)")
            case .double(let d):
                let expected = Double(literal)!
                #expect(d == expected && d.sign == expected.sign || (d.isNaN && expected.isNaN), "\(literal): \(d) vs \(expected)")
            default: Issue.record("\(literal) gave \(value)")
            }
        }
    }
}
