import VigilEvents

extension Event {
    /// `value(at:)` without copying each field it passes over (the hot path reads a few fields of every event).
    ///
    /// Paths are compared by UTF-8 length first (read from the string's header, no call): most fields differ in
    /// length, so only a few full comparisons run per lookup.
    @inline(__always)
    func fieldValue(_ path: String) -> FieldValue? {
        withFieldValue(path, found: { (value: FieldValue) -> FieldValue? in value }, missing: { () -> FieldValue? in nil })
    }

    /// Calls `found` with the field's value in place (borrowed: no retain of its payload), or `missing`.
    /// `message` is built as a `.string` value (one copy).
    @inline(__always)
    func withFieldValue<R>(_ path: String, found: (FieldValue) -> R, missing: () -> R) -> R {
        let n = path.utf8.count
        if n == 7, path == "message" { return found(.string(message)) }
        return fields.storage.withUnsafeBufferPointer { buffer in
            for i in buffer.indices where buffer[i].path.utf8.count == n && buffer[i].path == path { return found(buffer[i].value) }
            return missing()
        }
    }
}
