/// Small helpers for turning validated byte ranges into Swift values without Foundation.
enum ByteText {
    /// A String from bytes already known to be valid UTF-8.
    @inline(__always)
    static func string(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> String {
        if start >= end { return "" }
        return String(decoding: UnsafeBufferPointer(start: b.baseAddress! + start, count: end &- start), as: UTF8.self)
    }

    /// Whether `b[at...]` starts with `literal`.
    @inline(__always)
    static func hasPrefix(_ b: UnsafeBufferPointer<UInt8>, at: Int, _ literal: StaticString) -> Bool {
        let n = literal.utf8CodeUnitCount
        guard at &+ n <= b.count else { return false }
        let l = literal.utf8Start
        for k in 0..<n where b[at &+ k] != l[k] { return false }
        return true
    }

    /// Whether `b[start..<end]` equals `literal`.
    @inline(__always)
    static func equals(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, _ literal: StaticString) -> Bool {
        end &- start == literal.utf8CodeUnitCount && hasPrefix(b, at: start, literal)
    }

    /// A non-negative decimal integer from `b[start..<end]`; nil when empty, not all digits or above Int64.
    @inline(__always)
    static func decimal(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Int64? {
        guard start < end else { return nil }
        if end &- start > 18 { return bigDecimal(b, start, end) }
        var v: Int64 = 0
        for k in start..<end {
            let d = b[k] &- 48
            guard d <= 9 else { return nil }
            v = v &* 10 &+ Int64(d)
        }
        return v
    }

    private static func bigDecimal(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Int64? {
        var v: Int64 = 0
        for k in start..<end {
            let d = b[k] &- 48
            guard d <= 9 else { return nil }
            let (m, o1) = v.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.addingReportingOverflow(Int64(d))
            guard !o1, !o2 else { return nil }
            v = s
        }
        return v
    }

    /// Whether the byte is a C0 control other than TAB, CR and LF, or DEL.
    @inline(__always)
    static func isControl(_ c: UInt8) -> Bool {
        (c < 0x20 && c != 0x09 && c != 0x0A && c != 0x0D) || c == 0x7F
    }

    /// True when the bytes look like binary data rather than text: a NUL, or several control bytes early on.
    static func looksBinary(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        var controls = 0
        for k in 0..<min(b.count, 256) {
            let c = b[k]
            if c == 0 { return true }
            if isControl(c) { controls += 1 }
        }
        if controls >= 2 || (controls == 1 && b.count < 8) { return true }
        let limit = min(b.count, 256)
        guard let bad = UTF8Validator.firstInvalid(b, to: limit) else { return false }
        return limit == b.count || bad < limit &- 3  // a sequence cut at the limit is not evidence

    }
}

extension ByteText {
    /// An optionally negative decimal integer from `b[start..<end]`; nil when malformed or out of Int64.
    @inline(__always)
    static func signedDecimal(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Int64? {
        guard start < end else { return nil }
        if b[start] == UInt8(ascii: "-") {
            guard let v = decimal(b, start &+ 1, end) else { return nil }
            return -v
        }
        return decimal(b, start, end)
    }
}
