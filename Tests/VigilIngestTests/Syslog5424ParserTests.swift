import Testing
import VigilEvents
@testable import VigilIngest

@Suite("RFC 5424")
struct Syslog5424ParserTests {
    typealias F = ParserFixture

    @Test("RFC 5424 §6.5 example 1: no structured data, BOM before MSG")
    func example1() throws {
        let e = try F.event("<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - \u{FEFF}'su root' failed for lonvick on /dev/pts/8")
        #expect(e.format == .rfc5424)
        #expect(e.eventTime == F.time("2003-10-11T22:14:15.003Z"))
        #expect(e.string("host.name") == "mymachine.example.com")
        #expect(e.string("process.name") == "su")
        #expect(e.value(at: "process.pid") == nil)
        #expect(e.string("log.syslog.msgid") == "ID47")
        #expect(e.int("log.syslog.priority") == 34)
        #expect(e.int("log.syslog.facility.code") == 4)
        #expect(e.string("log.syslog.facility.name") == "auth")
        #expect(e.int("log.syslog.severity.code") == 2)
        #expect(e.string("log.syslog.severity.name") == "crit")
        #expect(e.int("log.syslog.version") == 1)
        #expect(e.message == "'su root' failed for lonvick on /dev/pts/8")
    }

    @Test("RFC 5424 §6.5 example 2: microseconds and a negative offset, no BOM")
    func example2() throws {
        let e = try F.event("<165>1 2003-08-24T05:14:15.000003-07:00 192.0.2.1 myproc 8710 - - %% It's time to make the do-nuts.")
        #expect(e.eventTime == F.time("2003-08-24T12:14:15.000003Z"))
        #expect(e.string("host.name") == "192.0.2.1")
        #expect(e.string("process.name") == "myproc")
        #expect(e.value(at: "process.pid") == .int(8710))
        #expect(e.value(at: "log.syslog.msgid") == nil)
        #expect(e.string("log.syslog.facility.name") == "local4")
        #expect(e.string("log.syslog.severity.name") == "notice")
        #expect(e.message == "%% It's time to make the do-nuts.")
    }

    @Test("RFC 5424 §6.5 example 3: structured data and a message")
    func example3() throws {
        let e = try F.event(#"<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"] "# + "\u{FEFF}An application event log entry...")
        #expect(e.string("log.syslog.structured_data.exampleSDID@32473.iut") == "3")
        #expect(e.string("log.syslog.structured_data.exampleSDID@32473.eventSource") == "Application")
        #expect(e.string("log.syslog.structured_data.exampleSDID@32473.eventID") == "1011")
        #expect(e.message == "An application event log entry...")
    }

    @Test("RFC 5424 §6.5 example 4: two SD elements and no message")
    func example4() throws {
        let e = try F.event(#"<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"][examplePriority@32473 class="high"]"#)
        #expect(e.string("log.syslog.structured_data.examplePriority@32473.class") == "high")
        #expect(e.string("log.syslog.structured_data.exampleSDID@32473.iut") == "3")
        #expect(e.message == "")
    }

    @Test("NILVALUE everywhere: the received time stands in for the event time")
    func allNil() throws {
        let e = try F.event("<13>1 - - - - - -")
        #expect(e.eventTime == F.received)
        #expect(e.value(at: "host.name") == nil)
        #expect(e.value(at: "process.name") == nil)
        #expect(e.message == "")
    }

    @Test("RFC 3339 timestamp forms from RFC 5424 §6.2.3.1")
    func timestamps() throws {
        let cases: [(String, String)] = [
            ("1985-04-12T23:20:50.52Z", "1985-04-12T23:20:50.52Z"),
            ("1985-04-12T19:20:50.52-04:00", "1985-04-12T23:20:50.52Z"),
            ("2003-10-11T22:14:15.003Z", "2003-10-11T22:14:15.003Z"),
            ("2003-08-24T05:14:15.000003-07:00", "2003-08-24T12:14:15.000003Z"),
            ("2026-11-21T16:53:59+05:30", "2026-11-21T11:23:59Z"),
        ]
        for (stamp, utc) in cases {
            let e = try F.event("<13>1 \(stamp) h a - - - m")
            #expect(e.eventTime == F.time(utc), "\(stamp)")
        }
    }

    @Test("Bad timestamps are bad_timestamp", arguments: [
        "2003-10-11 22:14:15",      // no T, no offset... space splits the token
        "2003-13-11T22:14:15Z",     // month 13
        "2003-02-30T22:14:15Z",     // 30 February
        "2003-10-11T22:14:15",      // no offset
        "2003-10-11T25:14:15Z",     // hour 25
        "yesterday",
    ])
    func badTimestamps(_ stamp: String) {
        let code = F.errorCode("<13>1 \(stamp) host app - - - msg")
        #expect(code == "bad_timestamp" || code == "bad_header", "\(stamp): \(code ?? "parsed")")
    }

    @Test("Structured-data escapes: \\\" \\\\ \\] decode; other backslashes stay (RFC 5424 §6.3.3)")
    func sdEscapes() throws {
        let e = try F.event(#"<13>1 - h a - - [x@1 a="q\"q" b="back\\slash" c="br\]acket" d="new\nline" e="un]escaped"] m"#)
        #expect(e.string("log.syslog.structured_data.x@1.a") == "q\"q")
        #expect(e.string("log.syslog.structured_data.x@1.b") == "back\\slash")
        #expect(e.string("log.syslog.structured_data.x@1.c") == "br]acket")
        #expect(e.string("log.syslog.structured_data.x@1.d") == "new\\nline")
        #expect(e.string("log.syslog.structured_data.x@1.e") == "un]escaped")
        #expect(e.message == "m")
    }

    @Test("A repeated param name becomes an array")
    func repeatedParam() throws {
        let e = try F.event(#"<13>1 - h a - - [x@1 ip="10.0.0.1" ip="10.0.0.2"] m"#)
        #expect(e.value(at: "log.syslog.structured_data.x@1.ip") == .array(["10.0.0.1", "10.0.0.2"]))
    }

    @Test("Non-numeric PROCID stays a string")
    func stringPID() throws {
        let e = try F.event("<13>1 - h app worker-3 - - m")
        #expect(e.value(at: "process.pid") == .string("worker-3"))
    }

    @Test("PRI range and leading zeros")
    func priority() throws {
        #expect(try F.event("<0>1 - - - - - -").int("log.syslog.priority") == 0)
        #expect(try F.event("<191>1 - - - - - -").string("log.syslog.facility.name") == "local7")
        #expect(F.errorCode("<192>1 - - - - - -") == "bad_pri")
        #expect(F.errorCode("<01>1 - - - - - -") == "bad_pri")
        #expect(F.errorCode("<>1 - - - - - -") == "bad_pri")
        #expect(F.errorCode("<1234>1 - - - - - -") == "bad_pri")
        #expect(F.errorCode("<13x1 - - - - - -") == "bad_pri")
        #expect(F.errorCode("<13") == "truncated_header")
    }

    @Test("Version other than 1 is bad_version")
    func version() {
        #expect(F.errorCode("<13>2 - - - - - -") == "bad_version")
        #expect(F.errorCode("<13>10 - - - - - -") == "bad_version")
    }

    @Test("Header field limits and characters")
    func headerLimits() {
        let longHost = String(repeating: "h", count: 256)
        #expect(F.errorCode("<13>1 - \(longHost) a - - - m") == "bad_header")
        #expect(F.errorCode("<13>1 - h \(String(repeating: "a", count: 49)) - - - m") == "bad_header")
        #expect(F.errorCode("<13>1 - h a - \(String(repeating: "m", count: 33)) - m") == "bad_header")
        #expect(F.errorCode("<13>1 - h a \(String(repeating: "p", count: 129)) - - m") == "bad_header")
        #expect(F.errorCode("<13>1 - hé a - - - m") == "bad_header")
        #expect(F.errorCode("<13>1 -  h a - - - m") == "bad_header")
        // Exactly at the limits is fine.
        #expect(F.errorCode("<13>1 - \(String(repeating: "h", count: 255)) \(String(repeating: "a", count: 48)) - \(String(repeating: "m", count: 32)) - m") == nil)
    }

    @Test("Truncated headers", arguments: [
        "<13>1", "<13>1 ", "<13>1 2026-11-21T12:00:00Z", "<13>1 - host", "<13>1 - host app", "<13>1 - host app 12",
        "<13>1 - host app 12 ID", "<13>1 - host app 12 ID ", #"<13>1 - h a - - [x@1 a="b""#, "<13>1 - h a - - [x@1",
    ])
    func truncated(_ text: String) {
        #expect(F.errorCode(text) == "truncated_header", "\(text)")
    }

    @Test("Malformed structured data", arguments: [
        "<13>1 - h a - - x m", "<13>1 - h a - - [] m", #"<13>1 - h a - - [x@1 a=b] m"#, #"<13>1 - h a - - [x@1 ="b"] m"#,
        #"<13>1 - h a - - [x@1 a="b"]m"#, #"<13>1 - h a - - [x@1 a="b"  c="d"] m"#, "<13>1 - h a - - -m",
    ])
    func badStructuredData(_ text: String) {
        #expect(F.errorCode(text) == "bad_structured_data", "\(text)")
    }

    @Test("Captured from util-linux 2.38 `logger --tcp --octet-count --rfc5424 -t sshd` (frame without the count)")
    func loggerOctetCounted() throws {
        let frame = #"<13>1 2026-11-21T16:53:59.246700+00:00 vm sshd - - [timeQuality tzKnown="1" isSynced="0"] Failed password for root from 203.0.113.7 port 4242 ssh2"#
        let e = try F.event(frame, .syslog)
        #expect(e.eventTime == F.time("2026-11-21T16:53:59.2467Z"))
        #expect(e.string("host.name") == "vm")
        #expect(e.string("process.name") == "sshd")
        #expect(e.string("log.syslog.structured_data.timeQuality.tzKnown") == "1")
        #expect(e.string("log.syslog.structured_data.timeQuality.isSynced") == "0")
        #expect(e.message == "Failed password for root from 203.0.113.7 port 4242 ssh2")
        #expect(e.raw == Array(frame.utf8))
    }

    @Test("Captured from `logger --rfc5424=notq,nohost --sd-id zoo@123 --sd-param tiger=\"hungry\" -p auth.warning`")
    func loggerCustomSD() throws {
        let e = try F.event(#"<36>1 2026-11-21T16:54:00.899342+00:00 - root - - [zoo@123 tiger="hungry"] hi"#)
        #expect(e.value(at: "host.name") == nil)
        #expect(e.string("process.name") == "root")
        #expect(e.string("log.syslog.facility.name") == "auth")
        #expect(e.string("log.syslog.severity.name") == "warning")
        #expect(e.string("log.syslog.structured_data.zoo@123.tiger") == "hungry")
        #expect(e.message == "hi")
    }

    @Test("Captured from `logger --rfc5424 --msgid MSG1`")
    func loggerMsgID() throws {
        let e = try F.event(#"<13>1 2026-11-21T16:54:01.458636+00:00 vm app - MSG1 [timeQuality tzKnown="1" isSynced="0"] x"#)
        #expect(e.string("log.syslog.msgid") == "MSG1")
        #expect(e.message == "x")
    }

    @Test("rsyslog RSYSLOG_SyslogProtocol23Format: trailing LF inside an octet-counted frame is dropped")
    func rsyslogProtocol23() throws {
        // template: "<%PRI%>1 %TIMESTAMP:::date-rfc3339% %HOSTNAME% %APP-NAME% %PROCID% %MSGID% %STRUCTURED-DATA% %msg%\n"
        let e = try F.event("<86>1 2026-11-21T17:54:03.123456+01:00 web01 sshd 1234 - - Accepted publickey for alice from 198.51.100.4 port 50022 ssh2: ED25519 SHA256:abc\n")
        #expect(e.eventTime == F.time("2026-11-21T16:54:03.123456Z"))
        #expect(e.string("host.name") == "web01")
        #expect(e.value(at: "process.pid") == .int(1234))
        #expect(e.string("log.syslog.facility.name") == "authpriv")
        #expect(e.string("log.syslog.severity.name") == "info")
        #expect(e.message == "Accepted publickey for alice from 198.51.100.4 port 50022 ssh2: ED25519 SHA256:abc")
    }

    @Test("syslog-ng syslog() driver: whole-second stamp and a [meta sequenceId] element")
    func syslogNG() throws {
        let e = try F.event(#"<38>1 2026-11-21T17:54:03+01:00 web01 sshd 1234 - [meta sequenceId="42"] Failed password for invalid user admin from 203.0.113.9 port 50100 ssh2"#)
        #expect(e.eventTime == F.time("2026-11-21T16:54:03Z"))
        #expect(e.string("log.syslog.structured_data.meta.sequenceId") == "42")
        #expect(e.message.hasPrefix("Failed password for invalid user admin"))
    }

    @Test("Context fields come from the context, never from the frame")
    func contextFields() throws {
        let e = try F.event("<13>1 - evil-host app - - - customer=other")
        #expect(e.customer == "bank-nord")
        #expect(e.source == EventSource(listener: "tcp-514", peer: "192.0.2.10", peerPort: 51514))
        #expect(e.receivedTime == F.received)
        #expect(e.sequence == 7)
    }
}
