/// Case rules for Sigma values: plain values compare case-insensitively by lowercasing both sides
/// (ASCII fast path, `String.lowercased()` for anything else); `cased` and regexes compare exactly.
enum CaseFolding {
    /// The lowercased form used for patterns and index keys.
    static func fold(_ s: String) -> String {
        var needsWork = false
        for b in s.utf8 where b >= 0x80 || (b >= 0x41 && b <= 0x5A) {
            needsWork = true
            break
        }
        return needsWork ? s.lowercased() : s
    }

    @inline(__always)
    static func foldByte(_ b: UInt8) -> UInt8 { b >= 0x41 && b <= 0x5A ? b | 0x20 : b }

    /// Calls `body` with the string's UTF-8 bytes and whether the callee must fold ASCII bytes itself.
    /// Non-ASCII text is lowercased up front so the callee can compare bytes exactly.
    @inline(__always)
    static func withBytes<R>(_ s: String, caseSensitive: Bool, _ body: (UnsafeBufferPointer<UInt8>, Bool) -> R) -> R {
        if caseSensitive { return withUTF8(s) { body($0, false) } }
        let ascii = withUTF8(s) { buf -> R? in
            for b in buf where b >= 0x80 { return nil }
            return body(buf, true)
        }
        if let ascii { return ascii }
        let lowered = s.lowercased()
        return withUTF8(lowered) { body($0, false) }
    }

    /// The bytes in place, borrowing the string (`utf8Span`: no retain of its storage, unlike `s.utf8`).
    @inline(__always)
    static func withUTF8<R>(_ s: String, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        s.utf8Span.span.withUnsafeBufferPointer(body)
    }
}
