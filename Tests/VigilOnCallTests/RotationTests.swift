import Testing
import VigilEvents
@testable import VigilOnCall

@Suite struct RotationTests {
    let berlin = ZoneRules(identifier: "Europe/Berlin")!
    let newYork = ZoneRules(identifier: "America/New_York")!

    func weekly(_ zone: String, start: CivilDateTime, people: [String] = ["anna", "ben", "clara"]) -> Rotation {
        Rotation(id: "r", timeZone: zone, shift: .weeks(1), start: start, participants: people)
    }

    @Test func weeklyHandOffStaysAtLocalTimeWhenBerlinSpringsForward() throws {
        // Monday 09:00 hand-offs; DST starts Sunday 2026-03-29 (02:00 → 03:00).
        let r = weekly("Europe/Berlin", start: CivilDateTime(year: 2026, month: 3, day: 2, hour: 9))
        let spanning = try #require(r.shift(at: t("2026-03-28T12:00:00Z"), zone: berlin))
        #expect(spanning.person == "anna")  // fourth week: back to the first participant
        #expect(spanning.start == t("2026-03-23T08:00:00Z"))  // 09:00 CET
        #expect(spanning.end == t("2026-03-30T07:00:00Z"))    // 09:00 CEST
        #expect(spanning.end - spanning.start == .hours(167))
        #expect(r.shift(at: t("2026-03-30T06:59:59Z"), zone: berlin)?.person == "anna")
        #expect(r.shift(at: t("2026-03-30T07:00:00Z"), zone: berlin)?.person == "ben")
    }

    @Test func weeklyShiftIsAnHourLongerWhenBerlinFallsBack() throws {
        // DST ends Sunday 2026-10-25 (03:00 → 02:00).
        let r = weekly("Europe/Berlin", start: CivilDateTime(year: 2026, month: 3, day: 2, hour: 9))
        let spanning = try #require(r.shift(at: t("2026-10-25T01:30:00Z"), zone: berlin))
        #expect(spanning.start == t("2026-10-19T07:00:00Z"))
        #expect(spanning.end == t("2026-10-26T08:00:00Z"))
        #expect(spanning.end - spanning.start == .hours(169))
        // 33 weeks after the start: index 33 → participant 0.
        #expect(spanning.index == 33)
        #expect(spanning.person == "anna")
        #expect(berlin.civil(at: spanning.end).hour == 9)
    }

    @Test func weeklyRotationInNewYorkAcrossBothChanges() throws {
        let r = weekly("America/New_York", start: CivilDateTime(year: 2026, month: 1, day: 5, hour: 13), people: ["dave", "erin"])
        // DST starts Sunday 2026-03-08 02:00 EST.
        let spring = try #require(r.shift(at: t("2026-03-08T12:00:00Z"), zone: newYork))
        #expect(spring.start == t("2026-03-02T18:00:00Z"))  // 13:00 EST
        #expect(spring.end == t("2026-03-09T17:00:00Z"))    // 13:00 EDT
        // DST ends Sunday 2026-11-01 02:00 EDT.
        let fall = try #require(r.shift(at: t("2026-11-01T05:30:00Z"), zone: newYork))
        #expect(fall.start == t("2026-10-26T17:00:00Z"))
        #expect(fall.end == t("2026-11-02T18:00:00Z"))
        #expect(fall.end - fall.start == .hours(169))
        #expect(newYork.civil(at: fall.end).hour == 13)
    }

    @Test func dailyHandOffInsideTheSkippedHourMovesForward() throws {
        // A hand-off at 02:30 does not exist on 2026-03-29 in Berlin: it happens at 03:30 CEST.
        let r = Rotation(id: "r", timeZone: "Europe/Berlin", shift: .days(1), start: CivilDateTime(year: 2026, month: 3, day: 27, hour: 2, minute: 30),
                         participants: ["a", "b"])
        let saturday = try #require(r.shift(at: t("2026-03-28T12:00:00Z"), zone: berlin))
        #expect(saturday.end == t("2026-03-29T01:30:00Z"))
        #expect(berlin.civil(at: saturday.end).hour == 3)
        let sunday = try #require(r.shift(at: t("2026-03-29T01:30:00Z"), zone: berlin))
        #expect(sunday.start == saturday.end)
        #expect(sunday.end == t("2026-03-30T00:30:00Z"))  // 02:30 CEST
        #expect(sunday.end - sunday.start == .hours(23))
        // On the fall-back day 02:30 happens twice; the first one is the hand-off.
        let fallDay = try #require(r.shift(at: t("2026-10-25T00:00:00Z"), zone: berlin))
        #expect(fallDay.end == t("2026-10-25T00:30:00Z"))
    }

    @Test func hourlyShiftsAreElapsedHours() throws {
        let r = Rotation(id: "r", timeZone: "Europe/Berlin", shift: .hours(1), start: CivilDateTime(year: 2026, month: 3, day: 29),
                         participants: ["a", "b", "c"])
        // Local 00:00 CET = 23:00Z; the 02:00–03:00 local hour does not exist, but every shift is 60 real minutes.
        let shifts = r.shifts(from: t("2026-03-28T23:00:00Z"), to: t("2026-03-29T03:00:00Z"), zone: berlin)
        #expect(shifts.map(\.person) == ["a", "b", "c", "a"])
        #expect(shifts.allSatisfy { $0.end - $0.start == .hours(1) })
        #expect(shifts[2].start == t("2026-03-29T01:00:00Z"))
        #expect(berlin.civil(at: shifts[2].start).hour == 3)
    }

    @Test func monthlyShiftsClampToTheMonthsLength() throws {
        let r = Rotation(id: "r", timeZone: "UTC", shift: .months(1), start: CivilDateTime(year: 2026, month: 1, day: 31, hour: 9),
                         participants: ["a", "b"])
        let shifts = r.shifts(from: t("2026-01-31T09:00:00Z"), to: t("2026-05-01T00:00:00Z"), zone: .utc)
        #expect(shifts.map(\.start) == [t("2026-01-31T09:00:00Z"), t("2026-02-28T09:00:00Z"), t("2026-03-31T09:00:00Z"),
                                        t("2026-04-30T09:00:00Z")])
        #expect(shifts.map(\.person) == ["a", "b", "a", "b"])
    }

    @Test func customLengthIsElapsed() throws {
        let r = Rotation(id: "r", timeZone: "Europe/Berlin", shift: .custom(.hours(36)), start: CivilDateTime(year: 2026, month: 3, day: 28, hour: 8),
                         participants: ["a", "b"])
        let second = try #require(r.shift(at: t("2026-03-29T22:00:00Z"), zone: berlin))
        #expect(second.start == t("2026-03-29T19:00:00Z"))  // 36 real hours after 07:00Z
        #expect(second.person == "b")
    }

    @Test func nobodyBeforeTheStart() {
        let r = weekly("Europe/Berlin", start: CivilDateTime(year: 2026, month: 3, day: 2, hour: 9))
        #expect(r.shift(at: t("2026-03-02T07:59:59Z"), zone: berlin) == nil)
        #expect(r.shift(at: t("2026-03-02T08:00:00Z"), zone: berlin)?.person == "anna")
    }

    /// Over two years in both zones: every instant lies in its shift, shifts tile time, and every
    /// calendar hand-off happens at the configured local time.
    @Test(arguments: [("Europe/Berlin", 9), ("America/New_York", 13), ("Europe/Berlin", 2)])
    func shiftsTileTimeAndKeepTheLocalHandOff(zoneID: String, hour: Int) throws {
        let zone = try #require(ZoneRules(identifier: zoneID))
        for shift in [ShiftLength.days(1), .weeks(1), .weeks(2), .days(3)] {
            let r = Rotation(id: "r", timeZone: zoneID, shift: shift, start: CivilDateTime(year: 2026, month: 1, day: 5, hour: hour, minute: 30),
                             participants: ["a", "b", "c"])
            let shifts = r.shifts(from: t("2026-01-06T00:00:00Z"), to: t("2027-12-31T00:00:00Z"), zone: zone)
            #expect(shifts.count > 40)
            for (previous, next) in zip(shifts, shifts.dropFirst()) {
                #expect(previous.end == next.start)
                #expect(next.index == previous.index + 1)
                #expect(next.person == ["a", "b", "c"][next.index % 3])
            }
            for s in shifts {
                let local = zone.civil(at: s.start)
                // A hand-off inside a skipped hour moves forward by one hour.
                #expect(local.minute == 30 && (local.hour == hour || local.hour == hour + 1), "\(shift) \(s.start.rfc3339)")
                #expect(r.shift(at: s.start, zone: zone) == s)
                #expect(r.shift(at: s.end - .seconds(1), zone: zone) == s)
            }
        }
    }
}
