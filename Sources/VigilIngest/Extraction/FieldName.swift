/// Rules for field names that extractors write.
enum FieldName {
    /// Letters, digits, `_`, `-`, `@`, with single dots between parts: `user.name`, `@timestamp`.
    static func isValid(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard !bytes.isEmpty, bytes.count <= 128, bytes.first != UInt8(ascii: "."), bytes.last != UInt8(ascii: ".") else {
            return false
        }
        var previousDot = false
        for c in bytes {
            if c == UInt8(ascii: ".") {
                if previousDot { return false }
                previousDot = true
                continue
            }
            previousDot = false
            let ok = (c | 0x20) &- 97 < 26 || c &- 48 <= 9 || c == UInt8(ascii: "_") || c == UInt8(ascii: "-") || c == UInt8(ascii: "@")
            if !ok { return false }
        }
        return name != "message"
    }
}
