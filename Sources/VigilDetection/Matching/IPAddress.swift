/// An IPv4 or IPv6 address as 128 bits; IPv4 and IPv4-mapped IPv6 addresses compare as IPv4.
struct IPAddress: Sendable, Hashable {
    var high: UInt64
    var low: UInt64
    var isV4: Bool

    init(high: UInt64, low: UInt64, isV4: Bool) {
        self.high = high
        self.low = low
        self.isV4 = isV4
    }

    /// Parses dotted IPv4 or RFC 4291 IPv6 text (with `::`, embedded IPv4 and an optional `%zone`).
    init?(_ text: Substring) {
        if let v4 = IPAddress.parseV4(text) {
            self.init(high: 0, low: UInt64(v4), isV4: true)
            return
        }
        var t = text
        if let pct = t.firstIndex(of: "%") { t = t[..<pct] }
        if t.hasPrefix("["), t.hasSuffix("]") { t = t.dropFirst().dropLast() }
        guard let (hi, lo) = IPAddress.parseV6(t) else { return nil }
        if hi == 0, lo >> 32 == 0xFFFF {
            self.init(high: 0, low: lo & 0xFFFF_FFFF, isV4: true)
        } else {
            self.init(high: hi, low: lo, isV4: false)
        }
    }

    static func parseV4(_ s: Substring) -> UInt32? {
        var value: UInt32 = 0
        var octets = 0
        var current: UInt32 = 0
        var digits = 0
        for b in s.utf8 {
            if b == UInt8(ascii: ".") {
                guard digits > 0, octets < 3 else { return nil }
                value = value << 8 | current
                octets += 1
                current = 0
                digits = 0
            } else if b >= 48, b <= 57 {
                current = current * 10 + UInt32(b - 48)
                digits += 1
                guard current <= 255, digits <= 3 else { return nil }
            } else {
                return nil
            }
        }
        guard digits > 0, octets == 3 else { return nil }
        return value << 8 | current
    }

    static func parseV6(_ s: Substring) -> (UInt64, UInt64)? {
        guard s.contains(":") else { return nil }
        var head: [UInt16] = []
        var tail: [UInt16] = []
        var seenDouble = false
        let parts: [Substring]
        if let range = s.range(of: "::") {
            seenDouble = true
            let left = s[..<range.lowerBound]
            let right = s[range.upperBound...]
            guard !right.contains("::") else { return nil }
            guard let h = groups(left, allowV4: false), let t = groups(right, allowV4: true) else { return nil }
            head = h
            tail = t
            parts = []
        } else {
            guard let all = groups(s, allowV4: true) else { return nil }
            head = all
            parts = []
        }
        _ = parts
        let total = head.count + tail.count
        if seenDouble {
            guard total <= 7 else { return nil }
        } else {
            guard total == 8 else { return nil }
        }
        let words = head + [UInt16](repeating: 0, count: 8 - total) + tail
        var hi: UInt64 = 0
        var lo: UInt64 = 0
        for i in 0..<4 { hi = hi << 16 | UInt64(words[i]) }
        for i in 4..<8 { lo = lo << 16 | UInt64(words[i]) }
        return (hi, lo)
    }

    private static func groups(_ s: Substring, allowV4: Bool) -> [UInt16]? {
        if s.isEmpty { return [] }
        var out: [UInt16] = []
        let pieces = s.split(separator: ":", omittingEmptySubsequences: false)
        for (i, piece) in pieces.enumerated() {
            if allowV4, i == pieces.count - 1, piece.contains(".") {
                guard let v4 = parseV4(piece) else { return nil }
                out.append(UInt16(v4 >> 16))
                out.append(UInt16(v4 & 0xFFFF))
                continue
            }
            guard !piece.isEmpty, piece.utf8.count <= 4, let w = UInt16(piece, radix: 16) else { return nil }
            out.append(w)
        }
        return out
    }
}

/// A CIDR block such as `10.0.0.0/8` or `2001:db8::/32`.
struct CIDRBlock: Sendable, Hashable, CustomStringConvertible {
    let network: IPAddress
    let prefixLength: Int
    let text: String

    init?(_ text: String) {
        self.text = text
        let trimmed = text.trimmingCharacters(in: " ")
        let parts = trimmed.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2, let address = IPAddress(parts[0]) else { return nil }
        let maxBits = address.isV4 ? 32 : 128
        var bits = maxBits
        if parts.count == 2 {
            guard let b = Int(parts[1]), b >= 0, b <= maxBits else { return nil }
            bits = b
        }
        prefixLength = bits
        network = CIDRBlock.mask(address, bits)
    }

    var description: String { text }

    static func mask(_ a: IPAddress, _ bits: Int) -> IPAddress {
        if a.isV4 {
            let m: UInt64 = bits == 0 ? 0 : (0xFFFF_FFFF << UInt64(32 - bits)) & 0xFFFF_FFFF
            return IPAddress(high: 0, low: a.low & m, isV4: true)
        }
        let hiBits = min(bits, 64)
        let loBits = max(bits - 64, 0)
        let hm: UInt64 = hiBits == 0 ? 0 : UInt64.max << UInt64(64 - hiBits)
        let lm: UInt64 = loBits == 0 ? 0 : UInt64.max << UInt64(64 - loBits)
        return IPAddress(high: a.high & hm, low: a.low & lm, isV4: false)
    }

    func contains(_ a: IPAddress) -> Bool {
        a.isV4 == network.isV4 && CIDRBlock.mask(a, prefixLength) == network
    }

    func contains(_ text: String) -> Bool {
        guard let a = IPAddress(Substring(text)) else { return false }
        return contains(a)
    }
}

extension String {
    func trimmingCharacters(in set: Character) -> String {
        var s = Substring(self)
        while s.first == set { s.removeFirst() }
        while s.last == set { s.removeLast() }
        return String(s)
    }
}
