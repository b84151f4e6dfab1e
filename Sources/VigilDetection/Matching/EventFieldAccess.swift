import VigilEvents

extension Event {
    /// `value(at:)` without copying each field it passes over (the hot path reads a few fields of every event).
    @inline(__always)
    func fieldValue(_ path: String) -> FieldValue? {
        if path == "message" { return .string(message) }
        return fields.storage.withUnsafeBufferPointer { buffer in
            for i in buffer.indices where buffer[i].path == path { return buffer[i].value }
            return nil
        }
    }
}
