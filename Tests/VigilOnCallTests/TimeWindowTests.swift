import Testing
import VigilEvents
@testable import VigilOnCall

@Suite struct TimeWindowTests {
    let berlin = ZoneRules(identifier: "Europe/Berlin")!

    @Test func weekdayLists() {
        #expect(Weekday.parseSet("mon-fri") == [.monday, .tuesday, .wednesday, .thursday, .friday])
        #expect(Weekday.parseSet("fri-mon") == [.friday, .saturday, .sunday, .monday])
        #expect(Weekday.parseSet("Sunday") == [.sunday])
        #expect(Weekday.parseSet("thu") == [.thursday])
        #expect(Weekday.parseSet("mo") == nil)
        #expect(Weekday.parseSet("monkey") == nil)
        #expect(Weekday.parseSet("mon-") == nil)
    }

    @Test func timesOfDay() {
        #expect(TimeOfDay(parsing: "08:00") == TimeOfDay(hour: 8))
        #expect(TimeOfDay(parsing: "24:00")?.minutes == 1440)
        #expect(TimeOfDay(parsing: "24:01") == nil)
        #expect(TimeOfDay(parsing: "7:00") == nil)
        #expect(TimeOfDay(parsing: "07:60") == nil)
        #expect(TimeOfDay(hour: 7, minute: 5).description == "07:05")
    }

    @Test func windowsWithEndOfDayAndFullDays() {
        let untilMidnight = TimeWindow(days: [.monday], from: TimeOfDay(hour: 18), to: TimeOfDay(minutes: 1440))
        #expect(untilMidnight.contains(CivilDateTime(year: 2026, month: 6, day: 1, hour: 23, minute: 59)))
        #expect(!untilMidnight.contains(CivilDateTime(year: 2026, month: 6, day: 2, hour: 0)))
        let fullDayFrom8 = TimeWindow(days: [.monday], from: TimeOfDay(hour: 8), to: TimeOfDay(hour: 8))
        #expect(fullDayFrom8.contains(CivilDateTime(year: 2026, month: 6, day: 2, hour: 7, minute: 59)))
        #expect(!fullDayFrom8.contains(CivilDateTime(year: 2026, month: 6, day: 2, hour: 8)))
        #expect(TimeWindow.always.contains(CivilDateTime(year: 2026, month: 6, day: 3, hour: 12)))
    }

    @Test func firstInstantFindsOpeningsAndClosingsAcrossDST() {
        let office = TimeWindow.officeHours
        // Saturday before the spring change → Monday 08:00 CEST.
        #expect(office.firstInstant(atOrAfter: t("2026-03-28T12:00:00+01:00"), in: berlin, inside: true) == t("2026-03-30T08:00:00+02:00"))
        #expect(office.firstInstant(atOrAfter: t("2026-03-30T09:00:00+02:00"), in: berlin, inside: false) == t("2026-03-30T18:00:00+02:00"))
        let quiet = TimeWindow(from: TimeOfDay(hour: 22), to: TimeOfDay(hour: 7))
        // The night of the autumn change is an hour longer; it still ends at 07:00 local.
        #expect(quiet.firstInstant(atOrAfter: t("2026-10-25T01:30:00+02:00"), in: berlin, inside: false) == t("2026-10-25T07:00:00+01:00"))
        let never = TimeWindow(days: [], from: TimeOfDay(hour: 1), to: TimeOfDay(hour: 2))
        #expect(never.firstInstant(atOrAfter: t("2026-03-28T12:00:00Z"), in: berlin, inside: true) == nil)
    }
}
