import NIOCore

/// What the framing decoder produces for each unit it reads off a connection.
public enum SyslogFrame: Sendable, Hashable {
    /// One message, without its octet count or line terminator.
    case message(ByteBuffer)
    /// A frame above the size limit was skipped; its length so far (octet count, or bytes up to the LF).
    case oversize(length: Int)
    /// The connection closed in the middle of a frame; the bytes that were read are dropped.
    case truncated(length: Int)
}

/// How a listener's connections frame their messages (RFC 6587).
public enum FramingMode: String, Sendable, Hashable, Codable, CaseIterable {
    /// Per frame: `MSG-LEN SP` means octet counting, anything else is one line.
    case auto
    /// Only `MSG-LEN SP MSG`.
    case octetCounting = "octet-counting"
    /// Only LF-terminated lines (a trailing CR is dropped too).
    case lineFeed = "lf"
}
