import VigilEvents

/// What a syslog header parse yields besides the fields it appends: the time and where MSG lies.
struct SyslogHeader {
    var format: EventFormat
    /// The header's timestamp; nil for NILVALUE or a 3164 frame without one.
    var eventTime: Timestamp?
    /// MSG as a byte range of the frame (BOM, trailing CR/LF/NUL already excluded).
    var messageStart: Int
    var messageEnd: Int
    /// The app-name or tag, which selects extractors.
    var program: String?

    /// Drops trailing LF, CR and NUL from MSG, which some senders count into the frame.
    @inline(__always)
    static func trimmedEnd(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Int {
        var e = end
        while e > start, b[e &- 1] == 0x0A || b[e &- 1] == 0x0D || b[e &- 1] == 0 { e &-= 1 }
        return e
    }

    /// Appends `process.pid`: an integer when the text is numeric, else the text.
    @inline(__always)
    static func appendPID(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, to fields: inout Fields) {
        if let pid = ByteText.decimal(b, start, end) {
            fields.append("process.pid", .int(pid))
        } else {
            fields.append("process.pid", .string(ByteText.string(b, start, end)))
        }
    }
}
