/// What a `%{field:type}` capture accepts and produces.
public enum CaptureType: String, Sendable, Hashable, CaseIterable {
    /// Any text, at least one byte, up to the next literal (or the end). The default.
    case string
    /// A run of non-space bytes.
    case word
    /// An optionally negative decimal integer; stored as `.int`.
    case int
    /// An IPv4 or IPv6 address; the match fails on anything else.
    case ip
    /// Any text, possibly empty, up to the next literal. The default for `%{-}`.
    case any
    /// Text parsed as `key=value` pairs with the extractor's `kv` table.
    case kv

    /// Greedy types take the longest run of allowed bytes and never backtrack.
    var isGreedy: Bool { self == .word || self == .int || self == .ip }

    @inline(__always)
    func allows(_ c: UInt8) -> Bool {
        switch self {
        case .word: return c != 0x20 && c != 0x09
        case .int: return c &- 48 <= 9 || c == UInt8(ascii: "-")
        case .ip: return c &- 48 <= 9 || (c | 0x20) &- 97 < 6 || c == UInt8(ascii: ".") || c == UInt8(ascii: ":")
        default: return true
        }
    }
}
