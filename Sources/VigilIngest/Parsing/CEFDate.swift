import VigilEvents

/// The time formats CEF allows for `rt`, `start` and `end`.
///
/// Epoch milliseconds; `MMM dd yyyy HH:mm:ss[.SSS][ zone]`; `MMM dd HH:mm:ss[.SSS][ zone]` (year inferred);
/// and ISO 8601. A zone is `UTC`, `GMT`, `Z` or `±hh:mm`/`±hhmm`; other zone names fall back to the listener's zone.
enum CEFDate {
    static func parse(_ b: UnsafeBufferPointer<UInt8>, zone: ZoneRules, received: Timestamp) -> Timestamp? {
        let n = b.count
        guard n > 0 else { return nil }
        if let ms = ByteText.decimal(b, 0, n) { return Timestamp(nanoseconds: ms &* 1_000_000) }
        if b[0] &- 48 <= 9 { return LocalTime.iso(b, 0, n, zone: zone) }
        guard let month = LocalTime.month(b, at: 0), n > 4, b[3] == UInt8(ascii: " ") else { return nil }
        var i = 4
        var day = 0
        while i < n, b[i] &- 48 <= 9, day < 100 {
            day = day * 10 + Int(b[i] &- 48)
            i += 1
        }
        guard i < n, b[i] == UInt8(ascii: " ") else { return nil }
        i += 1
        var year: Int?
        if i + 5 <= n, b[i + 4] == UInt8(ascii: " "), let y = ByteText.decimal(b, i, i + 4) {
            year = Int(y)
            i += 5
        }
        guard let c = LocalTime.clock(b, &i) else { return nil }
        var offset: Int?
        if i < n {
            guard b[i] == UInt8(ascii: " ") else { return nil }
            offset = zoneOffset(b, i + 1, n)
        }
        if let year {
            let civil = CivilDateTime(year: year, month: month, day: day, hour: c.hour, minute: c.minute, second: c.second,
                                      nanosecond: c.nanosecond)
            if let offset { return civil.isValid ? civil.timestamp(offsetSeconds: offset) : nil }
            return LocalTime.instant(civil, in: zone)
        }
        let z = offset.map { ZoneRules(identifier: fixedIdentifier($0)) ?? zone } ?? zone
        return LocalTime.inferYear(month: month, day: day, hour: c.hour, minute: c.minute, second: c.second,
                                   nanosecond: c.nanosecond, received: received, zone: z)
    }

    private static func fixedIdentifier(_ offset: Int) -> String {
        let a = abs(offset)
        let h = a / 3600
        let m = a % 3600 / 60
        return (offset < 0 ? "-" : "+") + (h < 10 ? "0" : "") + String(h) + ":" + (m < 10 ? "0" : "") + String(m)
    }

    /// `UTC`, `GMT`, `Z`, `±hh:mm`, `±hhmm`; nil for anything else.
    private static func zoneOffset(_ b: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int) -> Int? {
        if ByteText.equals(b, s, e, "UTC") || ByteText.equals(b, s, e, "GMT") || ByteText.equals(b, s, e, "Z") { return 0 }
        guard e - s == 6 || e - s == 5, b[s] == UInt8(ascii: "+") || b[s] == UInt8(ascii: "-"),
              let h = LocalTime.two(b, s + 1)
        else { return nil }
        let mAt = e - s == 6 ? s + 4 : s + 3
        if e - s == 6 { guard b[s + 3] == UInt8(ascii: ":") else { return nil } }
        guard let m = LocalTime.two(b, mAt), h < 24, m < 60 else { return nil }
        return (h * 3600 + m * 60) * (b[s] == UInt8(ascii: "-") ? -1 : 1)
    }
}
