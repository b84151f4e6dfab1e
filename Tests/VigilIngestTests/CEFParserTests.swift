import Testing
import VigilEvents
@testable import VigilIngest

@Suite("CEF")
struct CEFParserTests {
    typealias F = ParserFixture

    @Test("ArcSight spec example: header fields and extensions")
    func basic() throws {
        let e = try F.event("CEF:0|Security|threatmanager|1.0|100|worm successfully stopped|10|src=10.0.0.1 dst=2.1.2.2 spt=1232", .cef)
        #expect(e.format == .cef)
        #expect(e.value(at: "cef.version") == .int(0))
        #expect(e.string("cef.device.vendor") == "Security")
        #expect(e.string("cef.device.product") == "threatmanager")
        #expect(e.string("cef.device.version") == "1.0")
        #expect(e.string("cef.signature_id") == "100")
        #expect(e.string("cef.name") == "worm successfully stopped")
        #expect(e.value(at: "cef.severity") == .int(10))
        #expect(e.value(at: "event.severity") == .int(10))
        #expect(e.string("observer.vendor") == "Security")
        #expect(e.string("event.code") == "100")
        #expect(e.string("cef.ext.src") == "10.0.0.1")
        #expect(e.string("source.ip") == "10.0.0.1")
        #expect(e.string("destination.ip") == "2.1.2.2")
        #expect(e.value(at: "source.port") == .int(1232))
        #expect(e.message == "worm successfully stopped")
        #expect(e.eventTime == F.received)
    }

    @Test("Header escapes \\| and \\\\; an unescaped | in the extension is plain text")
    func headerEscapes() throws {
        let e = try F.event(#"CEF:0|security|threatmanager|1.0|100|detected a \| in message|10|src=10.0.0.1 act=blocked a | dst=1.1.1.1"#, .cef)
        #expect(e.string("cef.name") == "detected a | in message")
        #expect(e.string("event.action") == "blocked a |")
        #expect(e.string("destination.ip") == "1.1.1.1")
        let b = try F.event(#"CEF:0|security|threat\\manager|1.0|100|detected a \\ in packet|10|act=blocked a \\ dst=1.1.1.1"#, .cef)
        #expect(b.string("cef.device.product") == "threat\\manager")
        #expect(b.string("cef.name") == "detected a \\ in packet")
        #expect(b.string("cef.ext.act") == "blocked a \\")
    }

    @Test("Extension escapes \\= \\\\ \\n \\r, values with spaces, unknown escapes kept")
    func extensionEscapes() throws {
        let e = try F.event(#"CEF:0|v|p|1|sig|name|5|act=blocked a \= sign msg=line one\nline two\r end cs1=C:\Windows\temp cs1Label=path with spaces suser=alice"#, .cef)
        #expect(e.string("cef.ext.act") == "blocked a = sign")
        #expect(e.message == "line one\nline two\r end")
        #expect(e.string("cef.ext.cs1") == #"C:\Windows\temp"#)
        #expect(e.string("cef.ext.cs1Label") == "path with spaces")
        #expect(e.string("user.name") == "alice")
        #expect(e.string("source.user.name") == "alice")
    }

    @Test("An unescaped = inside a value that is not preceded by a key stays in the value")
    func equalsInValue() throws {
        let e = try F.event("CEF:0|v|p|1|sig|name|5|request=https://example.com/?a=b&c=d dst=10.1.1.1", .cef)
        #expect(e.string("url.original") == "https://example.com/?a=b&c=d")
        #expect(e.string("destination.ip") == "10.1.1.1")
    }

    @Test("ECS mappings: users, outcome, protocol, bytes, hosts")
    func mappings() throws {
        let e = try F.event("CEF:0|Vendor|VPN|2.0|auth-fail|Login failed|High|suser=bob duser=root outcome=Failed proto=TCP app=SSH in=120 out=340 shost=laptop.example dhost=srv.example act=deny externalId=ev-1 reason=bad password smac=00:11:22:33:44:55", .cef)
        #expect(e.string("user.name") == "root")
        #expect(e.string("source.user.name") == "bob")
        #expect(e.string("destination.user.name") == "root")
        #expect(e.string("event.outcome") == "failure")
        #expect(e.string("network.transport") == "tcp")
        #expect(e.string("network.protocol") == "ssh")
        #expect(e.value(at: "source.bytes") == .int(120))
        #expect(e.value(at: "destination.bytes") == .int(340))
        #expect(e.string("source.domain") == "laptop.example")
        #expect(e.string("destination.domain") == "srv.example")
        #expect(e.string("event.action") == "deny")
        #expect(e.string("event.id") == "ev-1")
        #expect(e.string("event.reason") == "bad password")
        #expect(e.value(at: "cef.severity") == .string("High"))
        #expect(e.value(at: "event.severity") == .int(8))
        #expect(e.string("source.mac") == "00:11:22:33:44:55")
        let ok = try F.event("CEF:0|V|P|1|s|n|1|outcome=success", .cef)
        #expect(ok.string("event.outcome") == "success")
        let odd = try F.event("CEF:0|V|P|1|s|n|1|outcome=maybe spt=notanumber", .cef)
        #expect(odd.string("event.outcome") == "unknown")
        #expect(odd.value(at: "source.port") == nil)
        #expect(odd.string("cef.ext.spt") == "notanumber")
    }

    @Test("rt: epoch milliseconds and the CEF date formats")
    func receiptTime() throws {
        let cases: [(String, String)] = [
            ("rt=1795255200123", "2026-11-21T10:00:00.123Z"),
            ("rt=Nov 21 2026 10:00:00", "2026-11-21T10:00:00Z"),
            ("rt=Nov 21 2026 10:00:00.250", "2026-11-21T10:00:00.25Z"),
            ("rt=Nov 21 2026 11:00:00 +01:00", "2026-11-21T10:00:00Z"),
            ("rt=Nov 21 2026 10:00:00.5 UTC", "2026-11-21T10:00:00.5Z"),
            ("rt=Nov 21 2026 10:00:00 GMT", "2026-11-21T10:00:00Z"),
            ("rt=Nov 21 10:00:00", "2026-11-21T10:00:00Z"),
            ("rt=2026-11-21T10:00:00Z", "2026-11-21T10:00:00Z"),
            ("end=1795255200000 start=1795255100000", "2026-11-21T10:00:00Z"),
        ]
        for (ext, expected) in cases {
            let e = try F.event("CEF:0|V|P|1|s|n|1|\(ext) src=10.0.0.1", .cef)
            #expect(e.eventTime == F.time(expected), "\(ext)")
        }
        // A date in an unknown zone abbreviation falls back to the listener's zone.
        let berlin = try #require(ZoneRules(identifier: "Europe/Berlin"))
        let e = try F.event("CEF:0|V|P|1|s|n|1|rt=Nov 21 2026 11:00:00 CET", .cef, zone: berlin)
        #expect(e.eventTime == F.time("2026-11-21T10:00:00Z"))
    }

    @Test("CEF inside RFC 3164 keeps the syslog header fields")
    func inside3164() throws {
        let e = try F.event("<134>Nov 21 10:00:00 fw01 CEF:0|Palo Alto Networks|PAN-OS|10.1.0|TRAFFIC|end|3|rt=Nov 21 2026 09:59:58 GMT src=10.1.1.5 dst=203.0.113.80 spt=50000 dpt=443 proto=TCP act=allow", .auto)
        #expect(e.format == .cef)
        #expect(e.string("host.name") == "fw01")
        #expect(e.string("log.syslog.facility.name") == "local0")
        #expect(e.string("cef.device.vendor") == "Palo Alto Networks")
        #expect(e.value(at: "destination.port") == .int(443))
        #expect(e.eventTime == F.time("2026-11-21T09:59:58Z"))
        // A tag before CEF is fine too.
        let tagged = try F.event("<134>Nov 21 10:00:00 fw01 asa[12]: CEF:0|Cisco|ASA|9|1|n|5|src=10.0.0.1", .cef)
        #expect(tagged.string("process.name") == "asa")
        #expect(tagged.string("source.ip") == "10.0.0.1")
        // No hostname.
        let bare = try F.event("<134>Nov 21 10:00:00 CEF:0|V|P|1|s|n|1|src=10.0.0.2", .cef)
        #expect(bare.value(at: "host.name") == nil)
        #expect(bare.string("source.ip") == "10.0.0.2")
    }

    @Test("CEF inside RFC 5424; without rt the syslog timestamp is the event time")
    func inside5424() throws {
        let e = try F.event("<134>1 2026-11-21T10:00:00Z fw01 cef - - - CEF:0|V|P|1|s|name|1|src=10.0.0.3", .auto)
        #expect(e.format == .cef)
        #expect(e.string("host.name") == "fw01")
        #expect(e.string("process.name") == "cef")
        #expect(e.eventTime == F.time("2026-11-21T10:00:00Z"))
        #expect(e.string("source.ip") == "10.0.0.3")
    }

    @Test("Syslog protocol leaves CEF text as the message")
    func syslogProtocolDoesNotParseCEF() throws {
        let e = try F.event("<134>Nov 21 10:00:00 fw01 CEF:0|V|P|1|s|n|1|src=10.0.0.2", .syslog)
        #expect(e.format == .rfc3164)
        #expect(e.value(at: "source.ip") == nil)
    }

    @Test("Header errors are cef_header", arguments: [
        "CEF:0|a|b|c", "CEF:|a|b|c|d|e|f|", "CEF:x|a|b|c|d|e|f|", "CEF:0", "CEF:0|a|b|c|d|e|f",
    ])
    func headerErrors(_ text: String) {
        #expect(F.errorCode(text, .cef) == "cef_header", "\(text)")
    }

    @Test("The cef protocol rejects non-CEF syslog and text")
    func cefProtocolRejects() {
        #expect(F.errorCode("<13>Nov 21 10:00:00 host app: hello", .cef) == "cef_header")
        #expect(F.errorCode("hello", .cef) == "cef_header")
        #expect(F.errorCode(#"{"a":1}"#, .cef) == "cef_header")
    }

    @Test("Empty extension and an extension of only spaces")
    func emptyExtension() throws {
        let e = try F.event("CEF:1|V|P|1|s|n|0|", .cef)
        #expect(e.value(at: "cef.version") == .int(1))
        #expect(e.fields.storage.allSatisfy { !$0.path.hasPrefix("cef.ext.") })
        let spaces = try F.event("CEF:1|V|P|1|s|n|0|   ", .cef)
        #expect(spaces.string("cef.name") == "n")
    }

    @Test("Too many extensions is too_many_fields")
    func tooMany() {
        let ext = (0..<20).map { "k\($0)=v" }.joined(separator: " ")
        #expect(F.errorCode("CEF:0|V|P|1|s|n|0|\(ext)", .cef, limits: ParserLimits(maxFields: 10)) == "too_many_fields")
    }
}
