import Foundation

/// A time zone's UTC offsets as a precomputed table, so lookups are pure and cheap.
public struct ZoneRules: Sendable, Hashable {
    public let identifier: String
    /// Sorted starts (seconds since epoch) of each offset period; `offsets[i]` holds from `starts[i]`.
    @usableFromInline let starts: [Int64]
    @usableFromInline let offsets: [Int]

    public static let utc = ZoneRules(identifier: "UTC", starts: [Int64.min], offsets: [0])

    init(identifier: String, starts: [Int64], offsets: [Int]) {
        self.identifier = identifier
        self.starts = starts
        self.offsets = offsets
    }

    /// Loads an IANA zone (`Europe/Berlin`), `UTC`, or a fixed offset such as `+03:00`.
    public init?(identifier: String) {
        if identifier == "UTC" || identifier == "Z" || identifier == "Etc/UTC" {
            self = .utc
            return
        }
        if let fixed = ZoneRules.parseFixedOffset(identifier) {
            self.init(identifier: identifier, starts: [Int64.min], offsets: [fixed])
            return
        }
        guard let zone = TimeZone(identifier: identifier) else { return nil }
        var starts: [Int64] = [Int64.min]
        var offsets: [Int] = [zone.secondsFromGMT(for: Date(timeIntervalSince1970: 0))]
        var cursor = Date(timeIntervalSince1970: 0)
        let end = Date(timeIntervalSince1970: 4_102_444_800)  // 2100-01-01
        while let next = zone.nextDaylightSavingTimeTransition(after: cursor), next < end {
            let offset = zone.secondsFromGMT(for: next)
            if offset != offsets.last {
                starts.append(Int64(next.timeIntervalSince1970.rounded()))
                offsets.append(offset)
            }
            cursor = next
        }
        self.init(identifier: identifier, starts: starts, offsets: offsets)
    }

    static func parseFixedOffset(_ text: String) -> Int? {
        let bytes = Array(text.utf8)
        guard bytes.count == 6, bytes[0] == UInt8(ascii: "+") || bytes[0] == UInt8(ascii: "-"), bytes[3] == UInt8(ascii: ":"),
              let h = Int(String(decoding: bytes[1...2], as: UTF8.self)),
              let m = Int(String(decoding: bytes[4...5], as: UTF8.self)), h < 24, m < 60
        else { return nil }
        let sign = bytes[0] == UInt8(ascii: "-") ? -1 : 1
        return sign * (h * 3600 + m * 60)
    }

    /// The UTC offset in seconds at `instant`.
    @inlinable
    public func offset(at instant: Timestamp) -> Int {
        let s = instant.seconds
        var lo = 0
        var hi = starts.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if starts[mid] <= s { lo = mid } else { hi = mid - 1 }
        }
        return offsets[lo]
    }

    /// The wall-clock time at `instant` in this zone.
    public func civil(at instant: Timestamp) -> CivilDateTime {
        CivilDateTime(instant, offsetSeconds: offset(at: instant))
    }

    /// The instant a local wall-clock time names.
    ///
    /// In a gap (spring forward) the time is moved forward by the gap's length; in an overlap
    /// (fall back) the earlier instant is chosen.
    public func instant(for civil: CivilDateTime) -> Timestamp {
        let guess = civil.timestamp()
        let before = offset(at: guess - .days(1))
        let after = offset(at: guess + .days(1))
        let candidates = [before, after].map { civil.timestamp(offsetSeconds: $0) }
            .filter { civil.timestamp(offsetSeconds: offset(at: $0)) == $0 }
        if let earliest = candidates.min() { return earliest }
        return civil.timestamp(offsetSeconds: before)
    }
}
