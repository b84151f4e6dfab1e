import Testing
import VigilEvents
@testable import VigilIngest

@Suite("JSON lines")
struct JSONLineParserTests {
    typealias F = ParserFixture

    @Test("Nested objects flatten to dotted paths; every JSON type maps to a FieldValue")
    func flatten() throws {
        let e = try F.event(#"{"host":{"name":"web01","ip":["10.0.0.1","10.0.0.2"]},"n":42,"neg":-7,"f":1.5,"e":1e3,"big":12345678901234567890,"t":true,"no":false,"z":null,"s":"","deep":{"a":{"b":{"c":1}}}}"#, .json)
        #expect(e.format == .json)
        #expect(e.value(at: "host.name") == "web01")
        #expect(e.value(at: "host.ip") == .array(["10.0.0.1", "10.0.0.2"]))
        #expect(e.value(at: "n") == .int(42))
        #expect(e.value(at: "neg") == .int(-7))
        #expect(e.value(at: "f") == .double(1.5))
        #expect(e.value(at: "e") == .double(1000))
        #expect(e.value(at: "big") == .double(Double("12345678901234567890")!))
        #expect(e.value(at: "t") == .bool(true))
        #expect(e.value(at: "no") == .bool(false))
        #expect(e.value(at: "z") == .null)
        #expect(e.value(at: "s") == .string(""))
        #expect(e.value(at: "deep.a.b.c") == .int(1))
        #expect(e.value(at: "missing") == nil)
        #expect(e.value(at: "deep") == nil)
    }

    @Test("Arrays of objects: a.b is the list of each element's b")
    func arraysOfObjects() throws {
        let e = try F.event(#"{"users":[{"name":"alice","id":1},{"name":"bob"},{"id":3,"tags":["x","y"]}],"mixed":[1,{"k":"v"},[2,3]],"empty":[],"nested":[{"o":{"p":1}},{"o":{"p":2}}]}"#, .json)
        #expect(e.value(at: "users.name") == .array(["alice", "bob"]))
        #expect(e.value(at: "users.id") == .array([1, 3]))
        #expect(e.value(at: "users.tags") == .array([.array(["x", "y"])]))
        #expect(e.value(at: "users") == nil)
        #expect(e.value(at: "mixed") == .array([1, .array([2, 3])]))
        #expect(e.value(at: "mixed.k") == .array(["v"]))
        #expect(e.value(at: "empty") == .array([]))
        #expect(e.value(at: "nested.o.p") == .array([1, 2]))
    }

    @Test("message becomes the message (not a field); msg is the fallback and stays a field")
    func messageSelection() throws {
        let e = try F.event(#"{"msg":"short","message":"the message","level":"info"}"#, .json)
        #expect(e.message == "the message")
        #expect(e.fields["message"] == nil)
        #expect(e.value(at: "msg") == "short")
        let m = try F.event(#"{"msg":"only msg"}"#, .json)
        #expect(m.message == "only msg")
        #expect(m.value(at: "msg") == "only msg")
        let none = try F.event(#"{"a":1}"#, .json)
        #expect(none.message == "")
        // A non-string message is an ordinary field.
        let obj = try F.event(#"{"message":{"text":"x"}}"#, .json)
        #expect(obj.message == "")
        #expect(obj.value(at: "message.text") == "x")
    }

    @Test("Event time from @timestamp, timestamp or time: RFC 3339 or epoch s/ms/µs/ns")
    func eventTime() throws {
        let cases: [(String, String)] = [
            (#"{"@timestamp":"2026-11-21T10:00:00.5Z"}"#, "2026-11-21T10:00:00.5Z"),
            (#"{"timestamp":"2026-11-21T11:00:00+01:00"}"#, "2026-11-21T10:00:00Z"),
            (#"{"time":1795255200}"#, "2026-11-21T10:00:00Z"),
            (#"{"time":1795255200.25}"#, "2026-11-21T10:00:00.25Z"),
            (#"{"time":1795255200.123456789}"#, "2026-11-21T10:00:00.123456789Z"),
            (#"{"time":1795255200123.5}"#, "2026-11-21T10:00:00.1235Z"),
            (#"{"time":1795255200123}"#, "2026-11-21T10:00:00.123Z"),
            (#"{"time":1795255200123456}"#, "2026-11-21T10:00:00.123456Z"),
            (#"{"time":1795255200123456789}"#, "2026-11-21T10:00:00.123456789Z"),
            (#"{"time":"1795255200"}"#, "2026-11-21T10:00:00Z"),
            (#"{"time":"2026-11-21T09:00:00Z","@timestamp":"2026-11-21T10:00:00Z"}"#, "2026-11-21T10:00:00Z"),
            (#"{"@timestamp":"not a time","time":1795255200}"#, "2026-11-21T10:00:00Z"),
        ]
        for (json, expected) in cases {
            let e = try F.event(json, .json)
            #expect(e.eventTime == F.time(expected), "\(json)")
        }
        #expect(try F.event(#"{"a":1}"#, .json).eventTime == F.received)
        // The time field stays a field.
        #expect(try F.event(#"{"time":1795255200}"#, .json).value(at: "time") == .int(1_795_255_200))
    }

    @Test("String escapes, including surrogate pairs")
    func escapes() throws {
        let e = try F.event(#"{"s":"q\"b\\s\/n\nr\rt\tb\bf\f u\u00e9 \u20AC \uD83D\uDE00 \u0000"}"#, .json)
        #expect(e.value(at: "s") == .string("q\"b\\s/n\nr\rt\tb\u{8}f\u{C} u\u{E9} \u{20AC} \u{1F600} \u{0}"))
        let key = try F.event(#"{"k\u0065y":{"n\u00e4me":1}}"#, .json)
        #expect(key.value(at: "key.n\u{E4}me") == .int(1))
        let raw = try F.event("{\"s\":\"caf\u{E9} \u{1F600}\"}", .json)
        #expect(raw.value(at: "s") == .string("caf\u{E9} \u{1F600}"))
    }

    @Test("A repeated key keeps the last value")
    func duplicateKeys() throws {
        let e = try F.event(#"{"a":1,"b":2,"a":3}"#, .json)
        #expect(e.value(at: "a") == .int(3))
        #expect(e.fields.count == 2)
    }

    @Test("Whitespace around tokens is fine; a trailing CR is whitespace")
    func whitespace() throws {
        let e = try F.event(" \t{ \"a\" :\n[ 1 , 2 ] }\r", .json)
        #expect(e.value(at: "a") == .array([1, 2]))
    }

    @Test("Integers: Int64 range is .int, beyond is .double; -0 is 0")
    func integerRange() throws {
        let e = try F.event(#"{"max":9223372036854775807,"min":-9223372036854775808,"over":9223372036854775808,"negzero":-0}"#, .json)
        #expect(e.value(at: "max") == .int(Int64.max))
        #expect(e.value(at: "min") == .int(Int64.min))
        #expect(e.value(at: "over") == .double(9_223_372_036_854_775_808))
        #expect(e.value(at: "negzero") == .int(0))
    }

    @Test("Strict RFC 8259: these are json_syntax", arguments: [
        #"{"a":1,}"#, #"{"a":[1,2,]}"#, #"{"a":01}"#, #"{"a":-01}"#, #"{"a":NaN}"#, #"{"a":Infinity}"#, #"{"a":-Infinity}"#,
        #"{"a":1.}"#, #"{"a":.5}"#, #"{"a":1e}"#, #"{"a":+1}"#, #"{'a':1}"#, #"{a:1}"#, #"{"a" 1}"#, #"{"a":1 "b":2}"#,
        #"{"a":tru}"#, #"{"a":nul}"#, #"{"a":True}"#, "{\"a\":\"tab\there\"}", "{\"a\":\"nl\nhere\"}", #"{"a":1}}"#,
        #"{"a":1} x"#, #"{"a":[1}"#, #"{"a":{]}"#, #"{"a":"unterminated}"#, #"{"a":1"#, #"{"#, #"{,}"#, #"{"a":}"#,
        "{\"a\":\"\u{7F}ok\u{1}\"}", #"{"a":--1}"#, #"{"a":1e+}"#, #"{"a":0x10}"#,
    ])
    func syntaxErrors(_ json: String) {
        #expect(F.errorCode(json, .json) == "json_syntax", "\(json)")
    }

    @Test("Bad escapes are bad_escape", arguments: [
        #"{"a":"\x41"}"#, #"{"a":"\u12"}"#, #"{"a":"\u12G4"}"#, #"{"a":"\uD800"}"#, #"{"a":"\uD800x"}"#,
        #"{"a":"\uD800\u0041"}"#, #"{"a":"\uDC00"}"#, #"{"a":"\uDBFF\uDBFF"}"#, #"{"a":"\'"}"#, #"{"a":"\U0041"}"#,
    ])
    func badEscapes(_ json: String) {
        #expect(F.errorCode(json, .json) == "bad_escape", "\(json)")
    }

    @Test("Invalid UTF-8 is invalid_utf8: overlongs, encoded surrogates, truncated and stray bytes")
    func invalidUTF8() {
        let bad: [[UInt8]] = [
            [0xC0, 0xAF],              // overlong '/'
            [0xE0, 0x80, 0xAF],        // overlong
            [0xF0, 0x80, 0x80, 0xAF],  // overlong
            [0xED, 0xA0, 0x80],        // encoded surrogate U+D800
            [0xED, 0xBF, 0xBF],        // encoded surrogate U+DFFF
            [0xF4, 0x90, 0x80, 0x80],  // above U+10FFFF
            [0xF5, 0x80, 0x80, 0x80],
            [0xC3],                    // truncated
            [0xE2, 0x82],              // truncated
            [0x80],                    // stray continuation
            [0xFF], [0xFE],
        ]
        for seq in bad {
            let frame = Array(#"{"a":"x"#.utf8) + seq + Array(#"y"}"#.utf8)
            #expect(F.errorCode(frame, .json) == "invalid_utf8", "\(seq)")
        }
        // Valid boundary cases pass.
        let good: [[UInt8]] = [[0xC2, 0x80], [0xDF, 0xBF], [0xE0, 0xA0, 0x80], [0xED, 0x9F, 0xBF], [0xEE, 0x80, 0x80],
                               [0xF0, 0x90, 0x80, 0x80], [0xF4, 0x8F, 0xBF, 0xBF]]
        for seq in good {
            let frame = Array(#"{"a":"x"#.utf8) + seq + Array(#"y"}"#.utf8)
            #expect(F.errorCode(frame, .json) == nil, "\(seq)")
        }
        // In a key, too.
        #expect(F.errorCode(Array(#"{"k"#.utf8) + [0xC0, 0x80] + Array(#"":1}"#.utf8), .json) == "invalid_utf8")
    }

    @Test("Top-level values other than objects are not_an_object", arguments: [#"[1,2]"#, #""text""#, "42", "true", "null"])
    func notAnObject(_ json: String) {
        #expect(F.errorCode(json, .json) == "not_an_object")
    }

    @Test("Depth: 64 levels parse, 65 fail; 10,000 levels fail fast with json_depth")
    func depth() throws {
        func nested(_ n: Int) -> String {
            "{" + String(repeating: #""a":{"#, count: n - 1) + #""x":1"# + String(repeating: "}", count: n)
        }
        let ok = try F.event(nested(64), .json)
        #expect(ok.value(at: Array(repeating: "a", count: 63).joined(separator: ".") + ".x") == .int(1))
        #expect(F.errorCode(nested(65), .json) == "json_depth")
        let arrays = "{\"a\":" + String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000) + "}"
        if case .failure(let error) = F.parse(arrays, .json) {
            #expect(error.reason == .jsonDepth)
            #expect(error.offset == 5 + 63)
        } else {
            Issue.record("10,000-deep arrays parsed")
        }
        #expect(F.errorCode(nested(10_000), .json) == "json_depth")
        // Unclosed deep nesting too.
        #expect(F.errorCode("{\"a\":" + String(repeating: "[", count: 10_000), .json) == "json_depth")
    }

    @Test("Field and value limits")
    func limits() {
        let many = "{" + (0..<50).map { "\"k\($0)\":\($0)" }.joined(separator: ",") + "}"
        #expect(F.errorCode(many, .json, limits: ParserLimits(maxFields: 49)) == "json_too_many_fields")
        #expect(F.errorCode(many, .json, limits: ParserLimits(maxFields: 50)) == nil)
        let bigArray = "{\"a\":[" + (0..<1000).map(String.init).joined(separator: ",") + "]}"
        #expect(F.errorCode(bigArray, .json, limits: ParserLimits(maxJSONValues: 100)) == "json_too_many_fields")
        #expect(F.errorCode(bigArray, .json) == nil)
    }

    @Test("Empty and whitespace-only frames are empty")
    func empty() {
        #expect(F.errorCode("", .json) == "empty")
        #expect(F.errorCode("   ", .json) == "empty")
    }
}
