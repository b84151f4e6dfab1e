/// What a listener expects on the wire.
public enum WireProtocol: String, Sendable, Hashable, Codable, CaseIterable {
    /// RFC 5424 or RFC 3164, detected per message.
    case syslog
    /// One JSON object per frame (JSON lines).
    case json
    /// ArcSight CEF, bare or after a syslog header.
    case cef
    /// Per message: `{` is JSON, `CEF:` (bare or after a syslog header) is CEF, `<` is syslog.
    case auto
}
