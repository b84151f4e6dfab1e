import Testing
import VigilEvents

@Suite struct TimeTests {
    @Test func civilRoundTrip() {
        for days in stride(from: -800_000, through: 800_000, by: 997) {
            let (y, m, d) = CivilDateTime.civilFromDays(days)
            #expect(CivilDateTime.daysFromCivil(year: y, month: m, day: d) == days)
        }
        #expect(CivilDateTime(year: 1970, month: 1, day: 1).isoWeekday == 4)
        #expect(CivilDateTime(year: 2026, month: 11, day: 21).isoWeekday == 6)
    }

    @Test func rfc3339() {
        let t = Timestamp(rfc3339: "2003-10-11T22:14:15.003Z")
        #expect(t == Timestamp(seconds: 1_065_910_455, nanoseconds: 3_000_000))
        #expect(t?.rfc3339 == "2003-10-11T22:14:15.003Z")
        let off = Timestamp(rfc3339: "2003-08-24T05:14:15.000003-07:00")
        #expect(off?.rfc3339 == "2003-08-24T12:14:15.000003Z")
        #expect(Timestamp(rfc3339: "2003-13-24T05:14:15Z") == nil)
        #expect(Timestamp(rfc3339: "2003-08-24T05:14:15") == nil)
        #expect(Timestamp(rfc3339: "2003-08-24T05:14:15.1234567890Z") == nil)
    }

    @Test func zoneRulesAcrossDST() throws {
        let berlin = try #require(ZoneRules(identifier: "Europe/Berlin"))
        // 2026-03-29 01:00 UTC: clocks jump from 02:00 to 03:00 local.
        let before = CivilDateTime(year: 2026, month: 3, day: 29, hour: 0, minute: 59).timestamp()
        let after = CivilDateTime(year: 2026, month: 3, day: 29, hour: 1).timestamp()
        #expect(berlin.offset(at: before) == 3600)
        #expect(berlin.offset(at: after) == 7200)
        // A time in the gap moves forward; a time in the overlap takes the earlier instant.
        let gap = berlin.instant(for: CivilDateTime(year: 2026, month: 3, day: 29, hour: 2, minute: 30))
        #expect(berlin.civil(at: gap).hour == 3)
        let overlap = berlin.instant(for: CivilDateTime(year: 2026, month: 10, day: 25, hour: 2, minute: 30))
        #expect(berlin.offset(at: overlap) == 7200)
        #expect(ZoneRules(identifier: "+03:00")?.offset(at: .epoch) == 10800)
        #expect(ZoneRules(identifier: "Not/AZone") == nil)
    }

    @Test func timeSpanParsing() {
        #expect(TimeSpan(parsing: "5m") == .minutes(5))
        #expect(TimeSpan(parsing: "250ms") == .milliseconds(250))
        #expect(TimeSpan(parsing: "1w") == .days(7))
        #expect(TimeSpan(parsing: "x") == nil)
        #expect(TimeSpan.hours(2).description == "2h")
    }
}

@Suite struct FieldsTests {
    @Test func dottedAccess() {
        var f = Fields(["user.name": "root", "source.port": 4242, "ok": true, "gone": nil])
        #expect(f.string("user.name") == "root")
        #expect(f.int("source.port") == 4242)
        #expect(f.string("source.port") == "4242")
        #expect(f.bool("ok") == true)
        #expect(f["gone"] == .null)
        #expect(f["missing"] == nil)
        #expect(f.contains(path: "user"))
        #expect(!f.contains(path: "use"))
        f["user.name"] = "alice"
        #expect(f.string("user.name") == "alice")
        f["user.name"] = nil
        #expect(f["user.name"] == nil)
    }

    @Test func eventJSON() {
        let e = Event(customer: "bank", eventTime: .epoch, receivedTime: .epoch, format: .json,
                      message: "a \"q\"\n", fields: Fields(["n": 1]), raw: Array("x".utf8))
        #expect(e.jsonLine() == #"{"sequence":0,"customer":"bank","event_time":"1970-01-01T00:00:00Z","received_time":"1970-01-01T00:00:00Z","listener":"","peer":"","format":"json","message":"a \"q\"\n","fields":{"n":1},"raw":"x"}"#)
    }
}

@Suite struct IPAddressTests {
    @Test func parsesAndPrints() {
        #expect(IPAddress("203.0.113.7")?.description == "203.0.113.7")
        #expect(IPAddress("2001:db8::1")?.description == "2001:db8::1")
        #expect(IPAddress("::ffff:10.1.2.3")?.isIPv4 == true)
        #expect(IPAddress("2001:0db8:0000:0000:0000:ff00:0042:8329")?.description == "2001:db8::ff00:42:8329")
        #expect(IPAddress("fe80::1%eth0") == IPAddress("fe80::1"))
        for bad in ["1.2.3", "1.2.3.256", "01.2.3.4", "1:2:3:4:5:6:7:8:9", "1::2::3", "g::1", "", "1.2.3.4.5"] {
            #expect(IPAddress(bad) == nil, "\(bad)")
        }
    }

    @Test func cidrMatching() throws {
        let v4 = try #require(CIDRBlock("10.1.0.0/16"))
        #expect(v4.contains(IPAddress("10.1.200.3")!))
        #expect(!v4.contains(IPAddress("10.2.0.1")!))
        #expect(!v4.contains(IPAddress("::a01:1")!))
        let v6 = try #require(CIDRBlock("2001:db8::/32"))
        #expect(v6.contains(IPAddress("2001:db8:ffff::1")!))
        #expect(!v6.contains(IPAddress("2001:db9::1")!))
        #expect(CIDRBlock("0.0.0.0/0")!.contains(IPAddress("8.8.8.8")!))
        #expect(CIDRBlock("10.0.0.0/33") == nil)
        #expect(CIDRBlock("10.1.2.3/8")?.description == "10.0.0.0/8")
    }
}
