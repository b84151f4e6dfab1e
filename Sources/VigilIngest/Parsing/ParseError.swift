/// Why a frame could not become an event. `reason.code` is a stable label for metrics.
public struct ParseError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A stable, snake_case reason code (a Prometheus label value).
    public struct Reason: Hashable, Sendable, CustomStringConvertible {
        public let code: String

        @usableFromInline init(_ code: String) { self.code = code }

        public var description: String { code }

        /// The frame has no bytes (or only whitespace, for JSON).
        public static let empty = Reason("empty")
        /// The frame is above `ParserLimits.maxFrameBytes`.
        public static let tooLarge = Reason("too_large")
        /// The frame is not valid UTF-8 (overlongs, surrogates and truncated sequences included).
        public static let invalidUTF8 = Reason("invalid_utf8")
        /// The frame looks binary: NUL or control bytes where text was expected.
        public static let binaryGarbage = Reason("binary_garbage")
        /// `auto`: the first byte starts none of the known formats.
        public static let unknownFormat = Reason("unknown_format")
        /// Syslog `<PRI>` missing, above 191, or with leading zeros.
        public static let badPRI = Reason("bad_pri")
        /// RFC 5424 version other than 1.
        public static let badVersion = Reason("bad_version")
        /// A timestamp that does not parse or names no real date.
        public static let badTimestamp = Reason("bad_timestamp")
        /// An RFC 5424 header field too long or with characters outside printable US-ASCII.
        public static let badHeader = Reason("bad_header")
        /// RFC 5424 structured data that breaks the grammar.
        public static let badStructuredData = Reason("bad_structured_data")
        /// The frame ends inside the syslog header.
        public static let truncatedHeader = Reason("truncated_header")
        /// JSON that breaks RFC 8259.
        public static let jsonSyntax = Reason("json_syntax")
        /// JSON nested deeper than `ParserLimits.maxJSONDepth`.
        public static let jsonDepth = Reason("json_depth")
        /// JSON with more fields or values than the limits allow.
        public static let jsonTooManyFields = Reason("json_too_many_fields")
        /// An escape sequence that is not allowed (JSON `\x`, lone surrogates).
        public static let badEscape = Reason("bad_escape")
        /// A JSON frame whose top-level value is not an object.
        public static let notAnObject = Reason("not_an_object")
        /// A CEF header with too few fields or a bad version.
        public static let cefHeader = Reason("cef_header")
        /// More structured-data params or CEF extensions than `ParserLimits.maxFields`.
        public static let tooManyFields = Reason("too_many_fields")

        /// Every reason, so metrics can be registered up front.
        public static let all: [Reason] = [
            .empty, .tooLarge, .invalidUTF8, .binaryGarbage, .unknownFormat, .badPRI, .badVersion, .badTimestamp,
            .badHeader, .badStructuredData, .truncatedHeader, .jsonSyntax, .jsonDepth, .jsonTooManyFields,
            .badEscape, .notAnObject, .cefHeader, .tooManyFields,
        ]
    }

    public var reason: Reason
    /// A short human explanation, safe to log (it never quotes the frame).
    public var detail: String
    /// Byte offset in the frame where the problem was found, when known.
    public var offset: Int?

    @inlinable
    public init(_ reason: Reason, _ detail: String, offset: Int? = nil) {
        self.reason = reason
        self.detail = detail
        self.offset = offset
    }

    public var description: String {
        if let offset { return "\(reason.code) at byte \(offset): \(detail)" }
        return "\(reason.code): \(detail)"
    }
}
