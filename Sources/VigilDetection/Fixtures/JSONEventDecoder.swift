import VigilEvents

/// Turns one JSON line into an Event, for rule fixtures and `vigil eval --format jsonl`.
///
/// Two shapes are read:
/// - a plain JSON document (ECS style): nested objects flatten to dotted paths, `message` is the message,
///   the time comes from `@timestamp`, `timestamp`, `event_time` or `time` (RFC 3339, or epoch seconds);
/// - Vigil's own event line (`vigil serve --print-events`): `event_time`, `message` and a flat `fields` object.
public enum JSONEventDecoder {
    public struct DecodeError: Error, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    static let timeKeys = ["@timestamp", "timestamp", "event_time", "time"]

    /// `sequence` becomes the event's sequence (eval uses the 0-based line number); `fallbackTime` is used
    /// when the event carries no time.
    public static func decode(_ line: String, sequence: UInt64, customer: CustomerID, fallbackTime: Timestamp) throws(DecodeError) -> Event {
        let value: JSONValue
        do {
            value = try JSONValue.parse(line)
        } catch {
            throw DecodeError(message: "invalid JSON: \(error)")
        }
        guard case .object(let pairs) = value else { throw DecodeError(message: "the line is not a JSON object") }
        // Vigil's own format.
        if case .object(let flat)? = value["fields"], value["event_time"] != nil {
            var fields = Fields(minimumCapacity: flat.count)
            for (k, v) in flat { fields.append(k, fieldValue(v)) }
            let time = value["event_time"]?.string.flatMap { Timestamp(rfc3339: $0) } ?? fallbackTime
            let received = value["received_time"]?.string.flatMap { Timestamp(rfc3339: $0) } ?? time
            let format = value["format"]?.string.flatMap { EventFormat(rawValue: $0) } ?? .json
            return Event(sequence: sequence, customer: customer, eventTime: time, receivedTime: received,
                         source: EventSource(listener: value["listener"]?.string ?? "", peer: value["peer"]?.string ?? ""),
                         format: format, message: value["message"]?.string ?? "", fields: fields, raw: Array(line.utf8))
        }
        var fields = Fields(minimumCapacity: pairs.count * 2)
        var message = ""
        var time: Timestamp?
        for (k, v) in pairs {
            if k == "message", case .string(let s) = v {
                message = s
                continue
            }
            if time == nil, timeKeys.contains(k) { time = timestamp(v) }
            flatten(v, path: k, into: &fields)
        }
        if time == nil {
            for k in timeKeys { if let t = fields[k].flatMap({ timestamp(json($0)) }) { time = t; break } }
        }
        let t = time ?? fallbackTime
        return Event(sequence: sequence, customer: customer, eventTime: t, receivedTime: t, source: EventSource(listener: "file"),
                     format: .json, message: message, fields: fields, raw: Array(line.utf8))
    }

    static func json(_ v: FieldValue) -> JSONValue {
        switch v {
        case .string(let s): return .string(s)
        case .int(let i): return .int(i)
        case .double(let d): return .double(d)
        default: return .null
        }
    }

    static func timestamp(_ v: JSONValue) -> Timestamp? {
        switch v {
        case .string(let s): return Timestamp(rfc3339: s)
        case .int(let i): return i > 100_000_000_000 ? Timestamp(nanoseconds: i * 1_000_000) : Timestamp(seconds: i)
        case .double(let d): return Timestamp(nanoseconds: Int64(d * 1e9))
        default: return nil
        }
    }

    static func fieldValue(_ v: JSONValue) -> FieldValue {
        switch v {
        case .string(let s): return .string(s)
        case .int(let i): return .int(i)
        case .double(let d): return .double(d)
        case .bool(let b): return .bool(b)
        case .null: return .null
        case .array(let items): return .array(items.map(fieldValue))
        case .object: return .null
        }
    }

    /// Objects flatten to dotted paths; arrays of objects give each key the list of the elements' values.
    static func flatten(_ v: JSONValue, path: String, into fields: inout Fields) {
        switch v {
        case .object(let pairs):
            for (k, inner) in pairs { flatten(inner, path: path + "." + k, into: &fields) }
        case .array(let items) where items.contains(where: { if case .object = $0 { return true }; return false }):
            var collected: [(String, [FieldValue])] = []
            for item in items {
                var sub = Fields()
                flatten(item, path: path, into: &sub)
                for f in sub {
                    if let i = collected.firstIndex(where: { $0.0 == f.path }) {
                        collected[i].1.append(f.value)
                    } else {
                        collected.append((f.path, [f.value]))
                    }
                }
            }
            for (k, values) in collected { fields.append(k, .array(values)) }
        default:
            fields.append(path, fieldValue(v))
        }
    }
}
