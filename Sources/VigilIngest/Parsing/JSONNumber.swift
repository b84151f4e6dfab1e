import VigilEvents

/// Converts validated JSON number literals: `.int` when integral and within Int64, else `.double`.
enum JSONNumber {
    @inline(__always)
    static func value(_ b: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int, integral: Bool) -> FieldValue {
        if integral, let v = int64(b, s, e) { return .int(v) }
        return .double(double(b, s, e))
    }

    /// An integral literal (`-?digits`) as Int64, or nil when it overflows.
    @inline(__always)
    static func int64(_ b: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int) -> Int64? {
        var i = s
        let negative = b[i] == UInt8(ascii: "-")
        if negative { i &+= 1 }
        if e &- i <= 18 {
            var v: Int64 = 0
            while i < e {
                v = v &* 10 &+ Int64(b[i] &- 48)
                i &+= 1
            }
            return negative ? -v : v
        }
        // Accumulate negatively so Int64.min fits.
        var v: Int64 = 0
        while i < e {
            let (m, o1) = v.multipliedReportingOverflow(by: 10)
            let (r, o2) = m.subtractingReportingOverflow(Int64(b[i] &- 48))
            guard !o1, !o2 else { return nil }
            v = r
            i &+= 1
        }
        if negative { return v }
        return v == Int64.min ? nil : -v
    }

    private static let powersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18,
        1e19, 1e20, 1e21, 1e22,
    ]

    /// A validated literal as the nearest Double: exact fast path (Clinger) for up to 15-16 significant digits
    /// and small exponents, the standard library's correctly rounded parser otherwise.
    @inline(__always)
    static func double(_ b: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int) -> Double {
        var i = s
        let negative = b[i] == UInt8(ascii: "-")
        if negative { i &+= 1 }
        var mantissa: UInt64 = 0
        var significant = 0
        var exponent = 0
        var exact = true
        while i < e, b[i] &- 48 <= 9 {
            let d = UInt64(b[i] &- 48)
            if significant < 19 {
                mantissa = mantissa &* 10 &+ d
                if mantissa > 0 { significant &+= 1 }
            } else {
                exponent &+= 1
                if d != 0 { exact = false }
            }
            i &+= 1
        }
        if i < e, b[i] == UInt8(ascii: ".") {
            i &+= 1
            while i < e, b[i] &- 48 <= 9 {
                let d = UInt64(b[i] &- 48)
                if significant < 19 {
                    mantissa = mantissa &* 10 &+ d
                    if mantissa > 0 { significant &+= 1 }
                    exponent &-= 1
                } else if d != 0 {
                    exact = false
                }
                i &+= 1
            }
        }
        if i < e {  // exponent
            i &+= 1
            var expNegative = false
            if b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") {
                expNegative = b[i] == UInt8(ascii: "-")
                i &+= 1
            }
            var x = 0
            while i < e {
                if x < 100_000 { x = x &* 10 &+ Int(b[i] &- 48) }
                i &+= 1
            }
            exponent &+= expNegative ? -x : x
        }
        if exact, mantissa <= 1 << 53, exponent >= -22, exponent <= 22 {
            var d = Double(mantissa)
            if exponent < 0 { d /= powersOfTen[-exponent] } else { d *= powersOfTen[exponent] }
            return negative ? -d : d
        }
        if mantissa == 0 && exact { return negative ? -0.0 : 0.0 }
        return Double(ByteText.string(b, s, e)) ?? .nan
    }
}
