import Foundation
import VigilEvents

extension Timestamp {
    /// The instant as a Foundation date, aimed at the middle of its microsecond: postgres-nio truncates a
    /// Date's Double to whole microseconds, and a Double near 1.8e9 s is only good to about 0.2 µs.
    /// The store binds ``PostgresInstant`` (exact integer microseconds) instead; this stays for callers with a Date.
    var date: Date {
        let micros = nanoseconds >= 0 ? nanoseconds / 1000 : (nanoseconds - 999) / 1000
        // Truncation goes toward PostgreSQL's epoch (2000-01-01), so aim half a microsecond away from it.
        let bias = micros >= 946_684_800_000_000 ? 0.5 : -0.5
        return Date(timeIntervalSince1970: (Double(micros) + bias) / 1e6)
    }

    /// The instant of a date, rounded to whole microseconds (PostgreSQL's precision).
    init(date: Date) {
        let micros = (date.timeIntervalSince1970 * 1e6).rounded()
        self.init(nanoseconds: Int64(micros) * 1000)
    }
}

extension TimeSpan {
    /// Whole seconds, rounded, for `make_interval` and similar.
    var wholeSeconds: Double { Double(nanoseconds) / 1e9 }
}
