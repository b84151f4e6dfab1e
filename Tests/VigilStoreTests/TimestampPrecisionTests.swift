import Foundation
import Testing
import VigilEvents
@testable import VigilStore

@Suite struct TimestampPrecisionTests {
    /// What postgres-nio does when it binds a Date: whole microseconds since 2000-01-01, truncated.
    func boundMicroseconds(_ date: Date) -> Int64 {
        Int64(date.timeIntervalSince(Date(timeIntervalSince1970: 946_684_800)) * 1_000_000)
    }

    @Test func millisecondsSurviveBinding() {
        for millis in stride(from: Int64(1_795_312_740_000), to: 1_795_312_741_000, by: 1) {
            let t = Timestamp(nanoseconds: millis * 1_000_000)
            let expected = (millis - 946_684_800_000) * 1000
            #expect(boundMicroseconds(t.date) == expected)
        }
    }

    @Test func roundTripThroughPostgresKeepsMicroseconds() {
        for text in ["2026-11-21T01:59:00.100123Z", "2026-11-21T01:59:00.1Z", "1999-12-31T23:59:59.999999Z"] {
            let t = Timestamp(rfc3339: text)!
            // Bound as truncated microseconds, read back as a Date from those microseconds.
            let stored = boundMicroseconds(t.date)
            let read = Date(timeInterval: Double(stored) / 1_000_000, since: Date(timeIntervalSince1970: 946_684_800))
            #expect(Timestamp(date: read) == t, "\(text)")
        }
    }
}
