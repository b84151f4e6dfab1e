import PostgresNIO
import VigilEvents

/// A ``Timestamp`` bound as `timestamptz` with exact microseconds.
///
/// postgres-nio's `Date` encoder goes through a `Double` and truncates, so 11:06:40.002 could be stored as
/// 11:06:40.001999; this writes PostgreSQL's integer microseconds since 2000-01-01 directly (rounded to nearest).
struct PostgresInstant: PostgresNonThrowingEncodable, PostgresArrayEncodable, Hashable {
    /// Microseconds since 2000-01-01T00:00:00Z.
    var microseconds: Int64

    init(_ timestamp: Timestamp) {
        let ns = timestamp.nanoseconds
        let micros = ns >= 0 ? (ns + 500) / 1000 : -((-ns + 500) / 1000)
        microseconds = micros - 946_684_800_000_000
    }

    static var psqlType: PostgresDataType { .timestamptz }
    static var psqlFormat: PostgresFormat { .binary }
    static var psqlArrayType: PostgresDataType { .timestamptzArray }

    func encode<JSONEncoder: PostgresJSONEncoder>(into byteBuffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>) {
        byteBuffer.writeInteger(microseconds)
    }
}

extension Timestamp {
    /// The instant as a `timestamptz` parameter.
    var instant: PostgresInstant { PostgresInstant(self) }
}
