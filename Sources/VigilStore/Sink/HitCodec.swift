import Foundation
import VigilDetection
import VigilEvents
import VigilIncidents

/// A compact binary form of a ``DetectedHit`` (the hit, its evidence events, and the detection time) for the spool.
///
/// Little-endian integers, strings as u32 length + UTF-8, optionals with a presence byte. The first byte is
/// the format version, so a spool written by an older Vigil can still be read after an upgrade.
enum HitCodec {
    static let version: UInt8 = 1

    static func encode(_ detected: DetectedHit, into w: inout ByteWriter) {
        let hit = detected.hit
        w.u8(version)
        w.i64(detected.detectedAt.nanoseconds)
        w.uuid(hit.id)
        w.string(hit.ruleID)
        w.string(hit.ruleTitle)
        w.string(hit.customer.rawValue)
        w.string(hit.level.rawValue)
        w.u32(UInt32(hit.group.count))
        for g in hit.group {
            w.string(g.field)
            w.string(g.value)
        }
        w.u32(UInt32(hit.evidence.count))
        for event in hit.evidence { encode(event, into: &w) }
        w.u32(UInt32(hit.eventSequences.count))
        for s in hit.eventSequences { w.u64(s) }
        w.i64(hit.firstTime.nanoseconds)
        w.i64(hit.lastTime.nanoseconds)
        w.i64(Int64(hit.count))
        w.string(hit.summary)
        w.strings(hit.responseSteps)
        w.strings(hit.tags)
        w.optionalString(hit.impact?.rawValue)
        w.optionalString(hit.urgency?.rawValue)
        if let o = hit.severityOverride {
            w.u8(1)
            w.string(o.level.rawValue)
            w.string(o.requestedBy)
            w.string(o.reason)
        } else {
            w.u8(0)
        }
    }

    static func encode(_ event: Event, into w: inout ByteWriter) {
        w.u64(event.sequence)
        w.string(event.customer.rawValue)
        w.i64(event.eventTime.nanoseconds)
        w.i64(event.receivedTime.nanoseconds)
        w.string(event.source.listener)
        w.string(event.source.peer)
        w.i64(Int64(event.source.peerPort))
        w.string(event.format.rawValue)
        w.string(event.message)
        w.u32(UInt32(event.fields.count))
        for field in event.fields {
            w.string(field.path)
            encode(field.value, into: &w)
        }
        w.bytes(event.raw)
    }

    static func encode(_ value: FieldValue, into w: inout ByteWriter) {
        switch value {
        case .string(let s): w.u8(0); w.string(s)
        case .int(let i): w.u8(1); w.i64(i)
        case .double(let d): w.u8(2); w.u64(d.bitPattern)
        case .bool(let b): w.u8(3); w.u8(b ? 1 : 0)
        case .null: w.u8(4)
        case .array(let items):
            w.u8(5)
            w.u32(UInt32(items.count))
            for item in items { encode(item, into: &w) }
        }
    }

    static func decode(_ r: inout ByteReader) throws(ByteReader.Error) -> DetectedHit {
        guard try r.u8() == version else { throw .malformed }
        let detectedAt = Timestamp(nanoseconds: try r.i64())
        let id = try r.uuid()
        let ruleID = try r.string()
        let ruleTitle = try r.string()
        let customer = CustomerID(try r.string())
        guard let level = Level(rawValue: try r.string()) else { throw .malformed }
        var group: [GroupValue] = []
        for _ in 0..<(try r.count()) { group.append(GroupValue(field: try r.string(), value: try r.string())) }
        var evidence: [Event] = []
        for _ in 0..<(try r.count()) { evidence.append(try decodeEvent(&r)) }
        var sequences: [UInt64] = []
        for _ in 0..<(try r.count()) { sequences.append(try r.u64()) }
        let first = Timestamp(nanoseconds: try r.i64())
        let last = Timestamp(nanoseconds: try r.i64())
        let count = Int(try r.i64())
        let summary = try r.string()
        let steps = try r.strings()
        let tags = try r.strings()
        let impact = try r.optionalString().map { s throws(ByteReader.Error) -> Grade in
            guard let g = Grade(rawValue: s) else { throw .malformed }
            return g
        }
        let urgency = try r.optionalString().map { s throws(ByteReader.Error) -> Grade in
            guard let g = Grade(rawValue: s) else { throw .malformed }
            return g
        }
        var override: SeverityOverride?
        if try r.u8() == 1 {
            guard let l = Level(rawValue: try r.string()) else { throw .malformed }
            override = SeverityOverride(level: l, requestedBy: try r.string(), reason: try r.string())
        }
        let hit = Hit(id: id, ruleID: ruleID, ruleTitle: ruleTitle, customer: customer, level: level, group: group, evidence: evidence,
                      eventSequences: sequences, firstTime: first, lastTime: last, count: count, summary: summary,
                      responseSteps: steps, tags: tags, impact: impact, urgency: urgency, severityOverride: override)
        return DetectedHit(hit: hit, detectedAt: detectedAt)
    }

    static func decodeEvent(_ r: inout ByteReader) throws(ByteReader.Error) -> Event {
        let sequence = try r.u64()
        let customer = CustomerID(try r.string())
        let eventTime = Timestamp(nanoseconds: try r.i64())
        let receivedTime = Timestamp(nanoseconds: try r.i64())
        let source = EventSource(listener: try r.string(), peer: try r.string(), peerPort: Int(try r.i64()))
        guard let format = EventFormat(rawValue: try r.string()) else { throw .malformed }
        let message = try r.string()
        let n = try r.count()
        var fields = Fields(minimumCapacity: n)
        for _ in 0..<n { fields.append(try r.string(), try decodeValue(&r, depth: 0)) }
        let raw = try r.byteArray()
        return Event(sequence: sequence, customer: customer, eventTime: eventTime, receivedTime: receivedTime, source: source,
                     format: format, message: message, fields: fields, raw: raw)
    }

    static func decodeValue(_ r: inout ByteReader, depth: Int) throws(ByteReader.Error) -> FieldValue {
        guard depth < 64 else { throw .malformed }
        switch try r.u8() {
        case 0: return .string(try r.string())
        case 1: return .int(try r.i64())
        case 2: return .double(Double(bitPattern: try r.u64()))
        case 3: return .bool(try r.u8() != 0)
        case 4: return .null
        case 5:
            var items: [FieldValue] = []
            for _ in 0..<(try r.count()) { items.append(try decodeValue(&r, depth: depth + 1)) }
            return .array(items)
        default: throw .malformed
        }
    }
}

/// Appends little-endian binary values.
struct ByteWriter {
    var bytes: [UInt8] = []

    mutating func u8(_ v: UInt8) { bytes.append(v) }
    mutating func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func i64(_ v: Int64) { u64(UInt64(bitPattern: v)) }
    mutating func bytes(_ b: [UInt8]) { u32(UInt32(b.count)); bytes.append(contentsOf: b) }
    mutating func string(_ s: String) { u32(UInt32(s.utf8.count)); bytes.append(contentsOf: s.utf8) }
    mutating func strings(_ list: [String]) { u32(UInt32(list.count)); for s in list { string(s) } }
    mutating func optionalString(_ s: String?) {
        if let s { u8(1); string(s) } else { u8(0) }
    }
    mutating func uuid(_ id: UUID) { withUnsafeBytes(of: id.uuid) { bytes.append(contentsOf: $0) } }
}

/// Reads what ``ByteWriter`` wrote; every read is bounds-checked.
struct ByteReader {
    enum Error: Swift.Error { case malformed }

    let bytes: [UInt8]
    var position: Int

    init(_ bytes: [UInt8], position: Int = 0) {
        self.bytes = bytes
        self.position = position
    }

    var isAtEnd: Bool { position == bytes.count }

    mutating func take(_ n: Int) throws(Error) -> ArraySlice<UInt8> {
        guard n >= 0, bytes.count - position >= n else { throw .malformed }
        defer { position += n }
        return bytes[position..<(position + n)]
    }

    mutating func u8() throws(Error) -> UInt8 { try take(1).first! }
    mutating func u32() throws(Error) -> UInt32 {
        try take(4).reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
    }
    mutating func u64() throws(Error) -> UInt64 {
        try take(8).reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
    }
    mutating func i64() throws(Error) -> Int64 { Int64(bitPattern: try u64()) }
    /// A u32 count, refused when larger than the bytes left could hold.
    mutating func count() throws(Error) -> Int {
        let n = Int(try u32())
        guard n <= bytes.count - position else { throw .malformed }
        return n
    }
    mutating func byteArray() throws(Error) -> [UInt8] { Array(try take(try count())) }
    mutating func string() throws(Error) -> String { String(decoding: try take(try count()), as: UTF8.self) }
    mutating func strings() throws(Error) -> [String] {
        var out: [String] = []
        for _ in 0..<(try count()) { out.append(try string()) }
        return out
    }
    mutating func optionalString() throws(Error) -> String? {
        try u8() == 1 ? try string() : nil
    }
    mutating func uuid() throws(Error) -> UUID {
        let b = Array(try take(16))
        return UUID(uuid: (b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]))
    }
}
