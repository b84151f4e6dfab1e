import Testing
import VigilEvents
@testable import VigilIngest

@Suite("EventParser dispatch")
struct EventParserTests {
    typealias F = ParserFixture

    @Test("auto picks the format per message")
    func autoDetect() throws {
        #expect(try F.event(#"{"a":1}"#).format == .json)
        #expect(try F.event("CEF:0|V|P|1|s|n|1|a=b").format == .cef)
        #expect(try F.event("<13>1 - h a - - - m").format == .rfc5424)
        #expect(try F.event("<13>Nov 21 10:00:00 h a: m").format == .rfc3164)
        #expect(try F.event("<13>Nov 21 10:00:00 h CEF:0|V|P|1|s|n|1|a=b").format == .cef)
    }

    @Test("syslog detects 5424 vs 3164 per message; JSON is not syslog")
    func syslogProtocol() throws {
        #expect(try F.event("<13>1 - h a - - - m", .syslog).format == .rfc5424)
        #expect(try F.event("<13>Nov 21 10:00:00 h a: m", .syslog).format == .rfc3164)
        #expect(F.errorCode(#"{"a":1}"#, .syslog) == "bad_pri")
        #expect(F.errorCode("<13>1 - h a - - - m", .json) == "json_syntax")
    }

    @Test("raw keeps the exact frame; the UnsafeRawBufferPointer and collection entry points agree")
    func rawBytes() throws {
        let frame = Array("<13>1 - h a - - - m\n".utf8)
        let parser = EventParser(protocol: .auto)
        let viaArray = try parser.parse(frame, context: F.context()).get()
        let viaPointer = try frame.withUnsafeBytes { try parser.parse($0, context: F.context()).get() }
        let viaSlice = try parser.parse(frame[...], context: F.context()).get()
        #expect(viaArray.raw == frame)
        #expect(viaArray.message == "m")
        #expect(viaPointer.raw == frame)
        #expect(viaSlice.fields == viaArray.fields)
        // A non-contiguous collection goes through a copy.
        let lazy = frame.lazy.map { $0 }
        #expect(try parser.parse(lazy, context: F.context()).get().raw == frame)
    }

    @Test("Every reason code is snake_case and unique")
    func reasonCodes() {
        let codes = ParseError.Reason.all.map(\.code)
        #expect(Set(codes).count == codes.count)
        for code in codes {
            #expect(code.allSatisfy { $0.isLowercase || $0 == "_" || $0.isNumber }, "\(code)")
        }
        #expect(ParseError(.badPRI, "x", offset: 3).description == "bad_pri at byte 3: x")
    }

    @Test("Extractors run after parsing when process.name matches")
    func extractorsApply() throws {
        let e = try F.event("<38>Nov 21 10:00:00 host sshd[1]: Failed password for root from 203.0.113.7 port 4242 ssh2",
                            extractors: F.extractors)
        #expect(e.string("user.name") == "root")
        let json = try F.event(#"{"process":{"name":"sshd"},"message":"Failed password for root from 203.0.113.7 port 4242 ssh2"}"#,
                               extractors: F.extractors)
        #expect(json.string("source.ip") == "203.0.113.7")
        // Without extractors nothing is added.
        #expect(try F.event("<38>Nov 21 10:00:00 host sshd[1]: Failed password for root from 203.0.113.7 port 4242 ssh2").value(at: "user.name") == nil)
    }
}
