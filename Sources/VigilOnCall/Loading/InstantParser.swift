import VigilEvents

/// Reads instants typed on the command line: RFC 3339 with an offset (`2026-12-24T22:30:00+01:00`), or a local
/// `YYYY-MM-DD HH:MM` (also with `T`, optional seconds) in a stated zone. A local time that does not exist
/// (the skipped hour) moves forward; one that occurs twice means the first.
public enum InstantParser {
    public static func parse(_ text: String, zone: ZoneRules) -> Timestamp? {
        let trimmed = text.trimmed
        if let instant = Timestamp(rfc3339: trimmed) { return instant }
        guard let civil = OnCallConfigParser.parseCivil(trimmed), civil.isValid else { return nil }
        return zone.instant(for: civil)
    }

    /// `YYYY-MM-DD HH:MM (+01:00)` in the zone, for listings.
    public static func format(_ instant: Timestamp, zone: ZoneRules) -> String {
        let c = zone.civil(at: instant)
        let offset = zone.offset(at: instant)
        func pad(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        let sign = offset < 0 ? "-" : "+"
        let minutes = abs(offset) / 60
        return "\(c.year)-\(pad(c.month))-\(pad(c.day)) \(pad(c.hour)):\(pad(c.minute)) (\(sign)\(pad(minutes / 60)):\(pad(minutes % 60)))"
    }
}
