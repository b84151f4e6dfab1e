extension Event {
    /// One JSON object per event, as `--print-events` writes it and evidence stores it.
    ///
    /// Keys: `sequence`, `customer`, `event_time`, `received_time`, `listener`, `peer`, `format`,
    /// `message`, `fields` (flat, dotted keys), and `raw` (the frame, UTF-8 with invalid bytes replaced).
    public func jsonLine(includeRaw: Bool = true) -> String {
        var w = JSONWriter(capacity: 256 + raw.count * 2)
        writeJSON(into: &w, includeRaw: includeRaw)
        return w.string
    }

    public func writeJSON(into w: inout JSONWriter, includeRaw: Bool = true) {
        w.raw("{\"sequence\":")
        w.raw(String(sequence))
        w.raw(",\"customer\":")
        w.quoted(customer.rawValue)
        w.raw(",\"event_time\":")
        w.quoted(eventTime.rfc3339)
        w.raw(",\"received_time\":")
        w.quoted(receivedTime.rfc3339)
        w.raw(",\"listener\":")
        w.quoted(source.listener)
        w.raw(",\"peer\":")
        w.quoted(source.peer)
        w.raw(",\"format\":")
        w.quoted(format.rawValue)
        w.raw(",\"message\":")
        w.quoted(message)
        w.raw(",\"fields\":")
        w.object(fields.storage.map { ($0.path, $0.value) })
        if includeRaw {
            w.raw(",\"raw\":")
            w.quoted(String(decoding: raw, as: UTF8.self))
        }
        w.raw("}")
    }
}
