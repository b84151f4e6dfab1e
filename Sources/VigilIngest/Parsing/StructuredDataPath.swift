/// Field paths for structured-data params: `log.syslog.structured_data.<SD-ID>.<PARAM>`.
///
/// The IANA-registered SD-IDs of RFC 5424 §7 (`timeQuality`, `origin`, `meta`), which `logger`, rsyslog and
/// syslog-ng send on nearly every message, reuse prebuilt strings; other paths are built in one allocation.
enum StructuredDataPath {
    static let prefix: [UInt8] = Array("log.syslog.structured_data.".utf8)

    private struct Known {
        let id: [UInt8]
        let name: [UInt8]
        let path: String
        let bit: UInt8
    }

    private static let known: [Known] = [
        ("timeQuality", "tzKnown"), ("timeQuality", "isSynced"), ("timeQuality", "syncAccuracy"),
        ("origin", "ip"), ("origin", "enterpriseId"), ("origin", "software"), ("origin", "swVersion"),
        ("meta", "sequenceId"), ("meta", "sysUpTime"), ("meta", "language"),
    ].map {
        let path = "log.syslog.structured_data.\($0.0).\($0.1)"
        return Known(id: Array($0.0.utf8), name: Array($0.1.utf8), path: path, bit: FieldWriter.bit(path))
    }

    @inline(__always)
    private static func equal(_ bytes: [UInt8], _ b: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int) -> Bool {
        guard bytes.count == e &- s else { return false }
        for k in 0..<bytes.count where bytes[k] != b[s &+ k] { return false }
        return true
    }

    /// The path and its Bloom bit (`FieldWriter.bit`).
    static func make(_ b: UnsafeBufferPointer<UInt8>, id: (Int, Int), name: (Int, Int)) -> (String, UInt8) {
        for entry in known where equal(entry.id, b, id.0, id.1) && equal(entry.name, b, name.0, name.1) {
            return (entry.path, entry.bit)
        }
        let total = prefix.count &+ (id.1 &- id.0) &+ 1 &+ (name.1 &- name.0)
        var h = FieldWriter.hashBasis
        let path = String(unsafeUninitializedCapacity: total) { out in
            var o = 0
            for c in prefix { out[o] = c; o &+= 1; h = FieldWriter.hash(h, c) }
            for k in id.0..<id.1 { out[o] = b[k]; o &+= 1; h = FieldWriter.hash(h, b[k]) }
            out[o] = UInt8(ascii: ".")
            o &+= 1
            h = FieldWriter.hash(h, UInt8(ascii: "."))
            for k in name.0..<name.1 { out[o] = b[k]; o &+= 1; h = FieldWriter.hash(h, b[k]) }
            return total
        }
        return (path, FieldWriter.bit(hash: h))
    }
}
