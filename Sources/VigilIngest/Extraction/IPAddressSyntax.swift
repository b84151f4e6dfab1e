/// Syntax checks for IPv4 and IPv6 addresses in bytes (no allocation, no Foundation).
enum IPAddressSyntax {
    static func isValid(_ b: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int) -> Bool {
        guard e > s, e - s <= 45 else { return false }
        for k in s..<e where b[k] == UInt8(ascii: ":") { return isIPv6(b, s, e) }
        return isIPv4(b, s, e)
    }

    static func isIPv4(_ b: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int) -> Bool {
        var parts = 0
        var k = s
        while true {
            let p = k
            var v = 0
            while k < e, b[k] &- 48 <= 9, k - p < 3 {
                v = v * 10 + Int(b[k] &- 48)
                k += 1
            }
            guard k > p, v <= 255, !(k - p > 1 && b[p] == UInt8(ascii: "0")) else { return false }
            parts += 1
            if k == e { return parts == 4 }
            guard b[k] == UInt8(ascii: "."), parts < 4 else { return false }
            k += 1
        }
    }

    static func isIPv6(_ b: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int) -> Bool {
        var groups = 0
        var doubleColon = false
        var k = s
        if k + 1 < e, b[k] == UInt8(ascii: ":"), b[k + 1] == UInt8(ascii: ":") {
            doubleColon = true
            k += 2
            if k == e { return true }
        } else if b[k] == UInt8(ascii: ":") {
            return false
        }
        while k < e {
            let p = k
            while k < e, b[k] &- 48 <= 9 || (b[k] | 0x20) &- 97 < 6 { k += 1 }
            if k < e, b[k] == UInt8(ascii: "."), k > p {
                // Embedded IPv4 as the last two groups.
                guard isIPv4(b, p, e) else { return false }
                groups += 2
                k = e
                break
            }
            guard k > p, k - p <= 4 else { return false }
            groups += 1
            if k == e { break }
            guard b[k] == UInt8(ascii: ":") else { return false }
            k += 1
            if k < e, b[k] == UInt8(ascii: ":") {
                guard !doubleColon else { return false }
                doubleColon = true
                k += 1
                if k == e { break }
            } else if k == e {
                return false
            }
        }
        return doubleColon ? groups < 8 : groups == 8
    }
}
