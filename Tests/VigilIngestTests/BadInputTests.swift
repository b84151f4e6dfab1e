import Testing
import VigilEvents
@testable import VigilIngest

/// Hostile and broken frames: each is an error with a reason, never a crash.
@Suite("Bad inputs")
struct BadInputTests {
    typealias F = ParserFixture

    @Test("Empty frames")
    func empty() {
        for wire in WireProtocol.allCases {
            #expect(F.errorCode([], wire) == "empty", "\(wire)")
        }
        #expect(F.errorCode("  ", .auto) == "empty")
    }

    @Test("Invalid UTF-8 is rejected in every format")
    func invalidUTF8() {
        let bad: [UInt8] = [0xC0, 0xAF]
        let frames: [(WireProtocol, [UInt8])] = [
            (.syslog, Array("<13>1 - h a - - - msg ".utf8) + bad),
            (.syslog, Array("<13>Nov 21 10:00:00 h app: ".utf8) + bad + Array(" tail".utf8)),
            (.syslog, Array("<13>1 - h a - - [x@1 p=\"".utf8) + bad + Array("\"] m".utf8)),
            (.cef, Array("CEF:0|V|P|1|s|n|1|msg=".utf8) + bad),
            (.cef, Array("<13>Nov 21 10:00:00 h CEF:0|V|P|1|s|n|1|msg=".utf8) + [0xED, 0xA0, 0x80]),
            (.json, Array("{\"a\":\"".utf8) + bad + Array("\"}".utf8)),
            (.auto, Array("<13>1 - h a - - - ".utf8) + [0xF8, 0x88, 0x80, 0x80, 0x80]),
            (.auto, Array("CEF:0|V|P|1|s|".utf8) + [0xE2, 0x82] + Array("|1|a=b".utf8)),
            (.auto, Array("{\"a\":\"".utf8) + [0xF4, 0x90, 0x80, 0x80] + Array("\"}".utf8)),
        ]
        for (wire, frame) in frames {
            #expect(F.errorCode(frame, wire) == "invalid_utf8", "\(wire): \(frame)")
        }
        if case .failure(let error) = F.parse(Array("<13>1 - h a - - - ok ".utf8) + bad, .syslog) {
            #expect(error.offset == 21)
        }
    }

    @Test("Binary garbage is binary_garbage")
    func binaryGarbage() {
        var rng = SeededGenerator(seed: 42)
        let garbage: [UInt8] = (0..<200).map { _ in UInt8.random(in: 0...255, using: &rng) } + [0]
        let withNUL: [UInt8] = [0x00, 0x01, 0x02, 0x03, 0x7F, 0x1B, 0x5B]
        for wire in WireProtocol.allCases {
            #expect(F.errorCode(withNUL, wire) == "binary_garbage", "\(wire)")
            #expect(F.errorCode([0x16, 0x03, 0x01, 0x00, 0xA5, 0x01, 0x00, 0x00, 0xA1], wire) == "binary_garbage", "TLS hello to \(wire)")
            let code = F.errorCode(garbage, wire)
            #expect(code == "binary_garbage" || code == "invalid_utf8", "\(wire): \(code ?? "parsed")")
        }
    }

    @Test("Plain text on a syslog listener is bad_pri, on auto unknown_format")
    func plainText() {
        #expect(F.errorCode("hello world", .syslog) == "bad_pri")
        #expect(F.errorCode("hello world", .auto) == "unknown_format")
        #expect(F.errorCode("hello world", .json) == "json_syntax")
    }

    @Test("A 10 MB line: too_large under the default limit, parsed when the limit allows it")
    func tenMegabytes() throws {
        let payload = String(repeating: "A", count: 10 * 1024 * 1024)
        let syslog = "<13>1 - host app - - - " + payload
        #expect(F.errorCode(syslog, .syslog) == "too_large")
        let json = "{\"a\":\"" + payload + "\"}"
        #expect(F.errorCode(json, .json) == "too_large")
        let roomy = ParserLimits(maxFrameBytes: 16 << 20)
        let e = try F.parse(syslog, .syslog, limits: roomy).get()
        #expect(e.message.utf8.count == payload.utf8.count)
        let j = try F.parse(json, .json, limits: roomy).get()
        #expect(j.string("a")?.utf8.count == payload.utf8.count)
        // 10 MB of nesting brackets within the limit still stops at the depth limit.
        let brackets = "{\"a\":" + String(repeating: "[", count: 10 * 1024 * 1024)
        #expect(F.errorCode(brackets, .json, limits: roomy) == "json_depth")
        // 10 MB of one unterminated string.
        #expect(F.errorCode("{\"a\":\"" + payload, .json, limits: roomy) == "json_syntax")
    }

    @Test("Random mutations of valid frames never crash, and every failure has a known reason")
    func mutations() {
        let seeds: [(WireProtocol, String)] = [
            (.auto, #"<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"] An application event"#),
            (.auto, "<13>Nov 21 16:53:59 vm sshd[31328]: Accepted password for alice from 203.0.113.8 port 52311 ssh2"),
            (.auto, #"{"@timestamp":"2026-11-21T10:00:00Z","message":"m\u00e9","a":{"b":[1,2.5e3,{"c":null}]},"t":true}"#),
            (.auto, #"CEF:0|V|P|1.0|100|name \| x|5|src=10.0.0.1 msg=hello\=world rt=Nov 21 2026 10:00:00 UTC"#),
            (.cef, "<134>Nov 21 10:00:00 fw01 CEF:0|V|P|1|s|n|1|src=10.0.0.2 suser=bob"),
        ]
        let known = Set(ParseError.Reason.all)
        var rng = SeededGenerator(seed: 7)
        let interesting: [UInt8] = Array("<>[]{}\"\\=|: -0123456789.TZ\n\r".utf8) + [0, 0x80, 0xC3, 0xED, 0xFF]
        for (wire, text) in seeds {
            let original = Array(text.utf8)
            let parser = EventParser(protocol: wire, extractors: ParserFixture.extractors)
            for _ in 0..<3000 {
                var frame = original
                for _ in 0..<Int.random(in: 1...4, using: &rng) {
                    guard !frame.isEmpty else { break }
                    let at = Int.random(in: 0..<frame.count, using: &rng)
                    switch Int.random(in: 0..<4, using: &rng) {
                    case 0: frame[at] = interesting.randomElement(using: &rng)!
                    case 1: frame.remove(at: at)
                    case 2: frame.insert(interesting.randomElement(using: &rng)!, at: at)
                    default: frame = Array(frame[..<at])
                    }
                }
                if case .failure(let error) = parser.parse(frame, context: F.context()) {
                    #expect(known.contains(error.reason), "\(error)")
                    if let offset = error.offset { #expect(offset >= 0 && offset <= frame.count) }
                }
            }
        }
    }
}
