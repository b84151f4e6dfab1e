import VigilEvents

/// ArcSight CEF: `CEF:Version|Vendor|Product|Version|Signature ID|Name|Severity|Extension`.
///
/// Header fields unescape `\|` and `\\`; extension values unescape `\=`, `\\`, `\|`, `\n` and `\r` and may hold
/// spaces (a value runs until the next ` key=`). Any other backslash is kept as written. Header fields become
/// `cef.*`, every extension `cef.ext.<key>`, and common ArcSight keys are mapped to ECS (`CEFFieldMapping`).
enum CEFParser {
    struct Output {
        var message: String
        var eventTime: Timestamp?
    }

    private static let headerNames: [String] = [
        "cef.device.vendor", "cef.device.product", "cef.device.version", "cef.signature_id", "cef.name", "cef.severity",
    ]

    /// Bloom bits (`FieldWriter`) of the header fields.
    static let headerBloom = PathBloom(paths: [
        "cef.version", "cef.device.vendor", "cef.device.product", "cef.device.version", "cef.signature_id", "cef.name",
        "cef.severity", "event.severity", "observer.vendor", "observer.product", "observer.version", "event.code",
    ])

    private static let userNameBit = FieldWriter.bit("user.name")

    /// Parses `b[start..<end]`, which begins with `CEF:`. `bloom` holds the Bloom bits of fields already written
    /// (a syslog header); a repeated extension key keeps its last value.
    static func parse(
        _ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, context: ParseContext, limits: ParserLimits,
        fields: inout Fields, bloom: PathBloom = PathBloom()
    ) throws(ParseError) -> Output {
        var bloom = bloom
        bloom.formUnion(headerBloom)
        var i = start &+ 4
        let v0 = i
        while i < end, b[i] &- 48 <= 9 { i &+= 1 }
        guard i > v0, i < end, b[i] == UInt8(ascii: "|"), let version = ByteText.decimal(b, v0, i) else {
            throw ParseError(.cefHeader, "expected 'CEF:<version>|'", offset: v0)
        }
        fields.append("cef.version", .int(version))
        i &+= 1
        var scratch: [UInt8] = []
        var name = ""
        for index in 0..<6 {
            let s = i
            var escaped = false
            while i < end, b[i] != UInt8(ascii: "|") {
                if b[i] == UInt8(ascii: "\\") {
                    escaped = true
                    i &+= 1
                }
                i &+= 1
            }
            guard i < end else {
                throw ParseError(.cefHeader, "CEF header has \(index + 1) of 7 fields", offset: s)
            }
            let text = escaped ? unescape(b, s, i, header: true, scratch: &scratch) : ByteText.string(b, s, i)
            i &+= 1
            switch index {
            case 4:
                name = text
                fields.append(headerNames[index], .string(text))
            case 5:
                if let n = Int64(text) {
                    fields.append("cef.severity", .int(n))
                    fields.append("event.severity", .int(n))
                } else {
                    fields.append("cef.severity", .string(text))
                    if let n = severity(text) { fields.append("event.severity", .int(n)) }
                }
            default:
                fields.append(headerNames[index], .string(text))
                switch index {
                case 0: fields.append("observer.vendor", .string(text))
                case 1: fields.append("observer.product", .string(text))
                case 2: fields.append("observer.version", .string(text))
                default: fields.append("event.code", .string(text))
                }
            }
        }
        var output = Output(message: name, eventTime: nil)
        try parseExtension(b, i, end, context: context, limits: limits, scratch: &scratch, fields: &fields, bloom: &bloom,
                           output: &output)
        return output
    }

    @inline(__always)
    private static func isKeyByte(_ c: UInt8) -> Bool {
        (c | 0x20) &- 97 < 26 || c &- 48 <= 9 || c == UInt8(ascii: "_") || c == UInt8(ascii: ".") || c == UInt8(ascii: "-")
    }

    private static func parseExtension(
        _ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, context: ParseContext, limits: ParserLimits,
        scratch: inout [UInt8], fields: inout Fields, bloom: inout PathBloom, output: inout Output
    ) throws(ParseError) {
        guard start < end else { return }
        // Pass 1: where each key starts and where its '=' is. A key is preceded by a space (or the start).
        try withUnsafeTemporaryAllocation(of: Int.self, capacity: (end &- start) &+ 2) { (keys: UnsafeMutableBufferPointer<Int>) throws(ParseError) in
            var count = 0
            var anyBackslash = false
            var i = start
            let p = b.baseAddress!
            while i < end {
                // Eight bytes at a time to the next '=' or '\\' (the lowest flagged byte is exact).
                if i &+ 8 <= end {
                    let w = UInt64(littleEndian: UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self))
                    let ones: UInt64 = 0x0101_0101_0101_0101
                    let eq = w ^ (ones &* 0x3D)
                    let bs = w ^ (ones &* 0x5C)
                    let hit = (((eq &- ones) & ~eq) | ((bs &- ones) & ~bs)) & (ones &* 0x80)
                    if hit == 0 {
                        i &+= 8
                        continue
                    }
                    i &+= hit.trailingZeroBitCount >> 3
                }
                let c = b[i]
                if c == UInt8(ascii: "\\") {
                    anyBackslash = true
                    i &+= 2
                    continue
                }
                if c == UInt8(ascii: "=") {
                    var k = i
                    while k > start, isKeyByte(b[k &- 1]) { k &-= 1 }
                    if k < i, k == start || b[k &- 1] == UInt8(ascii: " ") {
                        guard count / 2 < limits.maxFields else {
                            throw ParseError(.tooManyFields, "more than \(limits.maxFields) CEF extensions", offset: k)
                        }
                        keys[count] = k
                        keys[count &+ 1] = i
                        count &+= 2
                    }
                }
                i &+= 1
            }
            // Pass 2: each value runs to the space before the next key.
            var suser: String?
            var duser: String?
            var times: ((Int, Int, Bool)?, (Int, Int, Bool)?, (Int, Int, Bool)?) = (nil, nil, nil)
            var pair = 0
            while pair < count {
                let ks = keys[pair]
                let eq = keys[pair &+ 1]
                let vs = eq &+ 1
                var ve = pair &+ 2 < count ? keys[pair &+ 2] &- 1 : end
                while ve > vs, b[ve &- 1] == UInt8(ascii: " ") { ve &-= 1 }
                pair &+= 2
                var escaped = false
                if anyBackslash {
                    for k in vs..<max(vs, ve) where b[k] == UInt8(ascii: "\\") {
                        escaped = true
                        break
                    }
                }
                let value = escaped ? unescape(b, vs, ve, header: false, scratch: &scratch) : ByteText.string(b, vs, ve)
                let known = CEFFieldMapping.lookup(b, ks, eq)
                if let known {
                    let table = CEFFieldMapping.table
                    FieldWriter.set(&fields, table[known].extPath, bit: table[known].extBit, .string(value), bloom: &bloom)
                } else {
                    let path = FieldWriter.path("cef.ext", b, ks, eq)
                    FieldWriter.set(&fields, path, bit: FieldWriter.bit(path), .string(value), bloom: &bloom)
                }
                switch eq &- ks {
                case 2 where ByteText.equals(b, ks, eq, "rt"): times.0 = (vs, ve, escaped)
                case 3 where ByteText.equals(b, ks, eq, "msg"): output.message = value
                case 3 where ByteText.equals(b, ks, eq, "end"): times.1 = (vs, ve, escaped)
                case 5 where ByteText.equals(b, ks, eq, "start"): times.2 = (vs, ve, escaped)
                case 5 where ByteText.equals(b, ks, eq, "suser"): suser = value
                case 5 where ByteText.equals(b, ks, eq, "duser"): duser = value
                default: break
                }
                if let known, let field = CEFFieldMapping.table[known].field {
                    let converted: FieldValue?
                    switch CEFFieldMapping.table[known].kind {
                    case .string: converted = .string(value)
                    case .lowercased: converted = .string(value.lowercased())
                    case .int: converted = escaped ? nil : ByteText.signedDecimal(b, vs, ve).map { .int($0) }
                    case .outcome: converted = .string(CEFFieldMapping.outcome(value))
                    }
                    if let converted {
                        FieldWriter.set(&fields, field, bit: CEFFieldMapping.table[known].fieldBit, converted, bloom: &bloom)
                    }
                }
            }
            if let user = duser ?? suser { FieldWriter.set(&fields, "user.name", bit: userNameBit, .string(user), bloom: &bloom) }
            func time(_ candidate: (Int, Int, Bool)?) -> Timestamp? {
                guard let (s, e, escaped) = candidate else { return nil }
                if escaped {
                    var text = unescape(b, s, e, header: false, scratch: &scratch)
                    return text.withUTF8 { CEFDate.parse($0, zone: context.timeZone, received: context.receivedTime) }
                }
                return CEFDate.parse(UnsafeBufferPointer(rebasing: b[s..<e]), zone: context.timeZone, received: context.receivedTime)
            }
            if let t = time(times.0) ?? time(times.1) ?? time(times.2) { output.eventTime = t }
        }
    }

    /// Header: `\|` and `\\`. Extension: also `\=`, `\n`, `\r`. Other backslashes stay.
    private static func unescape(
        _ b: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int, header: Bool, scratch: inout [UInt8]
    ) -> String {
        scratch.removeAll(keepingCapacity: true)
        var k = s
        while k < e {
            let c = b[k]
            if c == UInt8(ascii: "\\"), k &+ 1 < e {
                let x = b[k &+ 1]
                switch x {
                case UInt8(ascii: "|"), UInt8(ascii: "\\"):
                    scratch.append(x)
                    k &+= 2
                    continue
                case UInt8(ascii: "="), UInt8(ascii: "n"), UInt8(ascii: "r"):
                    if !header {
                        scratch.append(x == UInt8(ascii: "n") ? 0x0A : x == UInt8(ascii: "r") ? 0x0D : x)
                        k &+= 2
                        continue
                    }
                default: break
                }
            }
            scratch.append(c)
            k &+= 1
        }
        return String(decoding: scratch, as: UTF8.self)
    }

    /// CEF's named severities: Low 0-3, Medium 4-6, High 7-8, Very-High 9-10.
    private static func severity(_ text: String) -> Int64? {
        switch text.lowercased() {
        case "low": return 3
        case "medium": return 6
        case "high": return 8
        case "very-high", "very high", "veryhigh": return 10
        default: return nil
        }
    }
}
