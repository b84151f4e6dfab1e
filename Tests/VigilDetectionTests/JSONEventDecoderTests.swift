import Testing
import VigilEvents
@testable import VigilDetection

@Suite("JSON lines to events, and hits to JSON lines")
struct JSONEventDecoderTests {
    @Test func flattensECSDocuments() throws {
        let line = #"{"@timestamp":"2026-11-02T10:00:01.5Z","message":"Failed password for root","host":{"name":"db1"},"source":{"ip":"203.0.113.7","port":50122},"event":{"outcome":"failure"},"tags":["a","b"],"procs":[{"pid":1,"name":"x"},{"pid":2,"name":"y"}],"n":null,"ok":true,"f":1.5}"#
        let e = try JSONEventDecoder.decode(line, sequence: 4, customer: "bank", fallbackTime: t0)
        #expect(e.sequence == 4)
        #expect(e.customer == "bank")
        #expect(e.eventTime == Timestamp(rfc3339: "2026-11-02T10:00:01.5Z"))
        #expect(e.message == "Failed password for root")
        #expect(e.value(at: "host.name") == .string("db1"))
        #expect(e.value(at: "source.port") == .int(50122))
        #expect(e.value(at: "tags") == .array(["a", "b"]))
        #expect(e.value(at: "procs.name") == .array(["x", "y"]))
        #expect(e.value(at: "n") == .null)
        #expect(e.value(at: "ok") == .bool(true))
        #expect(e.value(at: "f") == .double(1.5))
        #expect(e.fields.storage.map(\.path).prefix(3) == ["@timestamp", "host.name", "source.ip"])
    }

    @Test func readsVigilEventLines() throws {
        let original = Event(sequence: 9, customer: "x", eventTime: t0, receivedTime: t0 + .seconds(1), source: .init(listener: "tcp", peer: "10.0.0.1"),
                             format: .rfc5424, message: "hello", fields: Fields(["user.name": "root", "process.pid": 42]), raw: Array("raw".utf8))
        let e = try JSONEventDecoder.decode(original.jsonLine(), sequence: 0, customer: "bank", fallbackTime: .epoch)
        #expect(e.eventTime == t0)
        #expect(e.message == "hello")
        #expect(e.format == .rfc5424)
        #expect(e.value(at: "process.pid") == .int(42))
        #expect(e.customer == "bank")
    }

    @Test func missingTimeFallsBackAndBadJSONFails() throws {
        let e = try JSONEventDecoder.decode(#"{"a":1}"#, sequence: 0, customer: "c", fallbackTime: t0)
        #expect(e.eventTime == t0)
        let epoch = try JSONEventDecoder.decode(#"{"timestamp":1793613600}"#, sequence: 0, customer: "c", fallbackTime: .epoch)
        #expect(epoch.eventTime == t0)
        #expect(throws: JSONEventDecoder.DecodeError.self) { try JSONEventDecoder.decode("{\"a\":", sequence: 0, customer: "c", fallbackTime: t0) }
        #expect(throws: JSONEventDecoder.DecodeError.self) { try JSONEventDecoder.decode("[1]", sequence: 0, customer: "c", fallbackTime: t0) }
        let unicode = try JSONEventDecoder.decode(#"{"m":"\u00e4\ud83d\ude00\n"}"#, sequence: 0, customer: "c", fallbackTime: t0)
        #expect(unicode.value(at: "m") == .string("ä😀\n"))
    }

    @Test func hitLineHasTheStableKeys() {
        let hit = Hit(ruleID: "ssh-brute", ruleTitle: "SSH \"brute\" force", customer: "bank", level: .high,
                      group: [GroupValue(field: "source.ip", value: "203.0.113.7")], eventSequences: [0, 3, 5],
                      firstTime: t0, lastTime: t0 + .seconds(60), count: 3, summary: "3 failed",
                      severityOverride: SeverityOverride(level: .critical, requestedBy: "CISO", reason: "asked"))
        #expect(HitJSON.line(hit, ruleName: "ssh_brute_force") == #"{"rule_id":"ssh-brute","rule_name":"ssh_brute_force","rule_title":"SSH \"brute\" force","level":"high","customer":"bank","event_indexes":[0,3,5],"group":{"source.ip":"203.0.113.7"},"first_time":"2026-11-02T10:00:00Z","last_time":"2026-11-02T10:01:00Z","count":3,"summary":"3 failed","severity_override":{"level":"critical","requested_by":"CISO","reason":"asked"}}"#)
    }
}
