/// The message format a listener expects.
public enum WireProtocol: String, Sendable, Hashable, Codable, CaseIterable {
    /// RFC 5424 or RFC 3164, detected per message.
    case syslog
    /// JSON lines.
    case json
    /// ArcSight CEF, bare or inside syslog.
    case cef
    /// Any of the above, detected per message.
    case auto
}
