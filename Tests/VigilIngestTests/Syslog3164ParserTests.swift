import Testing
import VigilEvents
@testable import VigilIngest

@Suite("RFC 3164")
struct Syslog3164ParserTests {
    typealias F = ParserFixture

    @Test("Classic: <PRI>Mmm dd hh:mm:ss HOST TAG[PID]: MSG (captured from `logger --tcp --rfc3164 -i`)")
    func classic() throws {
        let e = try F.event("<13>Nov 21 16:53:59 vm sshd[31328]: Accepted password for alice from 203.0.113.8 port 52311 ssh2")
        #expect(e.format == .rfc3164)
        #expect(e.eventTime == F.time("2026-11-21T16:53:59Z"))
        #expect(e.string("host.name") == "vm")
        #expect(e.string("process.name") == "sshd")
        #expect(e.value(at: "process.pid") == .int(31328))
        #expect(e.string("log.syslog.facility.name") == "user")
        #expect(e.string("log.syslog.severity.name") == "notice")
        #expect(e.value(at: "log.syslog.version") == nil)
        #expect(e.message == "Accepted password for alice from 203.0.113.8 port 52311 ssh2")
    }

    @Test("logger to a local socket omits the hostname: <13>Nov 21 16:54:03 CRON[31697]: …")
    func noHostname() throws {
        let e = try F.event("<13>Nov 21 16:54:03 CRON[31697]: (root) CMD (run-parts /etc/cron.hourly)")
        #expect(e.value(at: "host.name") == nil)
        #expect(e.string("process.name") == "CRON")
        #expect(e.value(at: "process.pid") == .int(31697))
        #expect(e.message == "(root) CMD (run-parts /etc/cron.hourly)")
        let e2 = try F.event("<13>Nov 21 16:54:04 root: no tag given")
        #expect(e2.string("process.name") == "root")
        #expect(e2.message == "no tag given")
    }

    @Test("Single-digit day, space-padded or not")
    func singleDigitDay() throws {
        let padded = try F.event("<38>Nov  1 03:04:05 host sshd[1]: x")
        let bare = try F.event("<38>Nov 1 03:04:05 host sshd[1]: x")
        #expect(padded.eventTime == F.time("2026-11-01T03:04:05Z"))
        #expect(bare.eventTime == padded.eventTime)
        #expect(bare.string("host.name") == "host")
    }

    @Test("Year inference: a December stamp received in early January is last year's")
    func yearRollover() throws {
        let january = F.time("2027-01-01T00:10:00Z")
        let e = try F.event("<13>Dec 31 23:59:58 host app: late", received: january)
        #expect(e.eventTime == F.time("2026-12-31T23:59:58Z"))
        // A sender a few hours ahead of us across New Year is still this side of the one-day limit.
        let newYearsEve = F.time("2026-12-31T23:00:00Z")
        let ahead = try F.event("<13>Jan  1 02:00:00 host app: early", received: newYearsEve)
        #expect(ahead.eventTime == F.time("2027-01-01T02:00:00Z"))
        // Months in the future are last year's.
        let e3 = try F.event("<13>Dec  1 00:00:00 host app: x", received: F.time("2026-06-01T00:00:00Z"))
        #expect(e3.eventTime == F.time("2025-12-01T00:00:00Z"))
    }

    @Test("29 February goes back to the last leap year")
    func leapDay() throws {
        let e = try F.event("<13>Feb 29 12:00:00 host app: x", received: F.time("2026-11-21T12:00:00Z"))
        #expect(e.eventTime == F.time("2024-02-29T12:00:00Z"))
    }

    @Test("The listener's zone applies, DST-correct")
    func timeZone() throws {
        let berlin = try #require(ZoneRules(identifier: "Europe/Berlin"))
        let winter = try F.event("<13>Nov 21 13:00:00 host app: x", zone: berlin)
        #expect(winter.eventTime == F.time("2026-11-21T12:00:00Z"))
        let summer = try F.event("<13>Jul 21 13:00:00 host app: x", zone: berlin)
        #expect(summer.eventTime == F.time("2026-07-21T11:00:00Z"))
        // Spring-forward gap: 02:30 does not exist on 2026-03-29 and moves forward.
        let gap = try F.event("<13>Mar 29 02:30:00 host app: x", zone: berlin)
        #expect(gap.eventTime == F.time("2026-03-29T01:30:00Z"))
        // Fall-back overlap: 02:30 happens twice on 2026-10-25; the earlier instant is chosen.
        let overlap = try F.event("<13>Oct 25 02:30:00 host app: x", zone: berlin)
        #expect(overlap.eventTime == F.time("2026-10-25T00:30:00Z"))
    }

    @Test("rsyslog's forward format: an ISO timestamp inside 3164 framing")
    func isoTimestamp() throws {
        // RSYSLOG_ForwardFormat: "<%PRI%>%TIMESTAMP:::date-rfc3339% %HOSTNAME% %syslogtag:1:32%%msg:::sp-if-no-1st-sp%%msg%"
        let e = try F.event("<86>2026-11-21T17:54:03.123456+01:00 web01 sudo:    alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/bin/ls")
        #expect(e.format == .rfc3164)
        #expect(e.eventTime == F.time("2026-11-21T16:54:03.123456Z"))
        #expect(e.string("host.name") == "web01")
        #expect(e.string("process.name") == "sudo")
        #expect(e.message == "alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/bin/ls")
        // Without an offset the stamp is read in the listener's zone.
        let local = try F.event("<86>2026-11-21T17:54:03 web01 app: x", zone: try #require(ZoneRules(identifier: "Europe/Berlin")))
        #expect(local.eventTime == F.time("2026-11-21T16:54:03Z"))
    }

    @Test("Year after the day and fractional seconds")
    func yearAndFraction() throws {
        let e = try F.event("<13>Nov 21 2025 10:00:00 host app: x")
        #expect(e.eventTime == F.time("2025-11-21T10:00:00Z"))
        let f = try F.event("<13>Nov 21 10:00:00.250 host app: x")
        #expect(f.eventTime == F.time("2026-11-21T10:00:00.25Z"))
    }

    @Test("Tags: slashes, no PID, kernel, no colon after [pid]")
    func tags() throws {
        let postfix = try F.event("<22>Nov 21 10:00:00 mx postfix/smtpd[812]: connect from unknown[203.0.113.5]")
        #expect(postfix.string("process.name") == "postfix/smtpd")
        #expect(postfix.message == "connect from unknown[203.0.113.5]")
        let kernel = try F.event("<4>Nov 21 10:00:00 fw kernel: [12345.678] IN=eth0 OUT= SRC=203.0.113.7")
        #expect(kernel.string("process.name") == "kernel")
        #expect(kernel.value(at: "process.pid") == nil)
        #expect(kernel.message == "[12345.678] IN=eth0 OUT= SRC=203.0.113.7")
        let noColon = try F.event("<13>Nov 21 10:00:00 host app[42] started")
        #expect(noColon.string("process.name") == "app")
        #expect(noColon.message == "started")
    }

    @Test("No tag: the message follows the hostname")
    func noTag() throws {
        let e = try F.event("<13>Nov 21 10:00:00 host just some text")
        #expect(e.string("host.name") == "host")
        #expect(e.value(at: "process.name") == nil)
        #expect(e.message == "just some text")
    }

    @Test("No timestamp: received time, tag still read")
    func noTimestamp() throws {
        let e = try F.event("<13>sshd[7]: hello")
        #expect(e.eventTime == F.received)
        #expect(e.string("process.name") == "sshd")
        #expect(e.message == "hello")
        let plain = try F.event("<13>free text only")
        #expect(plain.value(at: "host.name") == nil)
        #expect(plain.message == "free text only")
    }

    @Test("IPv4 and IPv6 hostnames")
    func addressHosts() throws {
        #expect(try F.event("<13>Nov 21 10:00:00 192.0.2.7 app: x").string("host.name") == "192.0.2.7")
        #expect(try F.event("<13>Nov 21 10:00:00 2001:db8::7 app: x").string("host.name") == "2001:db8::7")
    }

    @Test("Bad 3164 timestamps", arguments: [
        "<13>Nov 31 10:00:00 host app: x", "<13>Nov 21 25:00:00 host app: x", "<13>Nov 21 10:00 host app: x",
        "<13>Nov xx 10:00:00 host app: x", "<13>2026-13-01T00:00:00Z host app: x",
    ])
    func badTimestamps(_ text: String) {
        #expect(F.errorCode(text) == "bad_timestamp", "\(text)")
    }

    @Test("Truncated 3164 headers", arguments: ["<13>Nov 21 10:00:00", "<13>Nov 21", "<13>Nov 21 10:0"])
    func truncated(_ text: String) {
        #expect(F.errorCode(text) == "truncated_header", "\(text)")
    }
}
