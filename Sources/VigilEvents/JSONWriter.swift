/// Appends RFC 8259 JSON to a byte buffer; fast enough for the hot path.
public struct JSONWriter: Sendable {
    public var bytes: [UInt8]

    public init(capacity: Int = 256) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    public var string: String { String(decoding: bytes, as: UTF8.self) }

    public mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    public mutating func raw(_ text: String) {
        bytes.append(contentsOf: text.utf8)
    }

    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    /// A JSON string literal. Invalid UTF-8 never reaches here: Swift strings are valid.
    public mutating func quoted(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        for b in text.utf8 {
            switch b {
            case UInt8(ascii: "\""): bytes.append(UInt8(ascii: "\\")); bytes.append(b)
            case UInt8(ascii: "\\"): bytes.append(UInt8(ascii: "\\")); bytes.append(b)
            case 0x0A: bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "n"))
            case 0x0D: bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "r"))
            case 0x09: bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "t"))
            case 0..<0x20, 0x7F:
                bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                                          JSONWriter.hex[Int(b >> 4)], JSONWriter.hex[Int(b & 0xF)]])
            default: bytes.append(b)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    public mutating func value(_ value: FieldValue) {
        switch value {
        case .string(let s): quoted(s)
        case .int(let i): raw(String(i))
        case .double(let d): raw(d.isFinite ? FieldValue.format(d) : "null")
        case .bool(let b): raw(b ? "true" : "false")
        case .null: raw("null")
        case .array(let items):
            bytes.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { bytes.append(UInt8(ascii: ",")) }
                self.value(item)
            }
            bytes.append(UInt8(ascii: "]"))
        }
    }

    /// Writes `{"k":v,...}` from ordered pairs.
    public mutating func object(_ pairs: [(String, FieldValue)]) {
        bytes.append(UInt8(ascii: "{"))
        for (i, (k, v)) in pairs.enumerated() {
            if i > 0 { bytes.append(UInt8(ascii: ",")) }
            quoted(k)
            bytes.append(UInt8(ascii: ":"))
            value(v)
        }
        bytes.append(UInt8(ascii: "}"))
    }
}
