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

    /// Parses `b[start..<end]`, which begins with `CEF:`.
    static func parse(
        _ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, context: ParseContext, limits: ParserLimits,
        fields: inout Fields
    ) throws(ParseError) -> Output {
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
        try parseExtension(b, i, end, context: context, limits: limits, scratch: &scratch, fields: &fields, output: &output)
        return output
    }

    @inline(__always)
    private static func isKeyByte(_ c: UInt8) -> Bool {
        (c | 0x20) &- 97 < 26 || c &- 48 <= 9 || c == UInt8(ascii: "_") || c == UInt8(ascii: ".") || c == UInt8(ascii: "-")
    }

    private static func parseExtension(
        _ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, context: ParseContext, limits: ParserLimits,
        scratch: inout [UInt8], fields: inout Fields, output: inout Output
    ) throws(ParseError) {
        var pendingKey: (Int, Int)?
        var valueStart = 0
        var count = 0
        var suser: String?
        var duser: String?
        // rt, end, start: value range and whether it holds escapes.
        var times: ((Int, Int, Bool)?, (Int, Int, Bool)?, (Int, Int, Bool)?) = (nil, nil, nil)

        func finish(_ key: (Int, Int), _ vs: Int, _ ve: Int) throws(ParseError) {
            count &+= 1
            guard count <= limits.maxFields else {
                throw ParseError(.tooManyFields, "more than \(limits.maxFields) CEF extensions", offset: key.0)
            }
            var e = ve
            while e > vs, b[e &- 1] == UInt8(ascii: " ") { e &-= 1 }
            var escaped = false
            for k in vs..<e where b[k] == UInt8(ascii: "\\") {
                escaped = true
                break
            }
            let value = escaped ? unescape(b, vs, e, header: false, scratch: &scratch) : ByteText.string(b, vs, e)
            let key = ByteText.string(b, key.0, key.1)
            fields.append("cef.ext." + key, .string(value))
            switch key {
            case "msg": output.message = value
            case "rt": times.0 = (vs, e, escaped)
            case "end": times.1 = (vs, e, escaped)
            case "start": times.2 = (vs, e, escaped)
            case "suser": suser = value
            case "duser": duser = value
            default: break
            }
            if let mapping = CEFFieldMapping.table[key] {
                switch mapping.kind {
                case .string: fields.append(mapping.field, .string(value))
                case .lowercased: fields.append(mapping.field, .string(value.lowercased()))
                case .int: if let n = Int64(value) { fields.append(mapping.field, .int(n)) }
                case .outcome: fields.append(mapping.field, .string(CEFFieldMapping.outcome(value)))
                }
            }
        }

        var i = start
        while i < end {
            let c = b[i]
            if c == UInt8(ascii: "\\") {
                i &+= 2
                continue
            }
            if c == UInt8(ascii: "=") {
                var k = i
                while k > start, isKeyByte(b[k &- 1]) { k &-= 1 }
                if k < i, k == start || b[k &- 1] == UInt8(ascii: " ") {
                    if let key = pendingKey { try finish(key, valueStart, k > start ? k &- 1 : k) }
                    pendingKey = (k, i)
                    valueStart = i &+ 1
                }
            }
            i &+= 1
        }
        if let key = pendingKey { try finish(key, valueStart, end) }
        if let user = duser ?? suser { fields.append("user.name", .string(user)) }
        for candidate in [times.0, times.1, times.2] {
            guard let (s, e, escaped) = candidate else { continue }
            let text = escaped ? unescape(b, s, e, header: false, scratch: &scratch) : ByteText.string(b, s, e)
            var copy = text
            if let t = copy.withUTF8({ CEFDate.parse($0, zone: context.timeZone, received: context.receivedTime) }) {
                output.eventTime = t
                break
            }
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
