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

    /// A decimal literal (`-?digits[.digits]`) read exactly; nil for other forms (exponents).
    static func timestamp(_ b: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int) -> Timestamp? {
        var i = s
        let negative = i < e && b[i] == UInt8(ascii: "-")
        if negative { i += 1 }
        let w0 = i
        while i < e, b[i] &- 48 <= 9 { i += 1 }
        guard i > w0, i - w0 <= 19, let whole = ByteText.decimal(b, w0, i) else { return nil }
        var fraction: [Int64] = []
        if i < e {
            guard b[i] == UInt8(ascii: ".") else { return nil }
            i += 1
            while i < e, b[i] &- 48 <= 9 {
                if fraction.count < 18 { fraction.append(Int64(b[i] &- 48)) }
                i += 1
            }
            guard i == e else { return nil }
        }
        // Unit from the magnitude of the whole part, as for integers.
        let unitNanos: Int64
        switch whole {
        case ..<100_000_000_000: unitNanos = 1_000_000_000
        case ..<100_000_000_000_000: unitNanos = 1_000_000
        case ..<100_000_000_000_000_000: unitNanos = 1000
        default: unitNanos = 1
        }
        var fractionNanos: Int64 = 0
        var scale = unitNanos / 10
        for d in fraction where scale > 0 {
            fractionNanos += d * scale
            scale /= 10
        }
        let (product, overflow) = whole.multipliedReportingOverflow(by: unitNanos)
        guard !overflow else { return nil }
        let total = product + fractionNanos
        return Timestamp(nanoseconds: negative ? -total : total)
    }

    static func timestamp(_ v: Int64) -> Timestamp? {
        let a = v.magnitude
        if a < 100_000_000_000 { return Timestamp(seconds: v) }
        if a < 100_000_000_000_000 { return Timestamp(nanoseconds: v &* 1_000_000) }
        if a < 100_000_000_000_000_000 { return Timestamp(nanoseconds: v &* 1000) }
        return Timestamp(nanoseconds: v)
    }
}
