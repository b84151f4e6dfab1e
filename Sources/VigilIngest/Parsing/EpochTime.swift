import VigilEvents

/// Reads event times given as numbers since the Unix epoch, guessing the unit from the magnitude.
enum EpochTime {
    /// Seconds below 1e11 (until year 5138), then milliseconds, microseconds, nanoseconds.
    static func timestamp(_ v: Double) -> Timestamp? {
        guard v.isFinite else { return nil }
        let a = abs(v)
        let nanos: Double
        if a < 1e11 { nanos = v * 1e9 } else if a < 1e14 { nanos = v * 1e6 } else if a < 1e17 { nanos = v * 1e3 } else { nanos = v }
        guard abs(nanos) < 9.2e18 else { return nil }
        return Timestamp(nanoseconds: Int64(nanos.rounded()))
    }

    static func timestamp(_ v: Int64) -> Timestamp? {
        let a = v.magnitude
        if a < 100_000_000_000 { return Timestamp(seconds: v) }
        if a < 100_000_000_000_000 { return Timestamp(nanoseconds: v &* 1_000_000) }
        if a < 100_000_000_000_000_000 { return Timestamp(nanoseconds: v &* 1000) }
        return Timestamp(nanoseconds: v)
    }
}
