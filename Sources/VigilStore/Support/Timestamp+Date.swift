import Foundation
import VigilEvents

extension Timestamp {
    /// The instant as a Foundation date (microsecond precision survives a PostgreSQL round trip).
    var date: Date { Date(timeIntervalSince1970: Double(nanoseconds) / 1e9) }

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
