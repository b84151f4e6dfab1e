/// Sending mail failed. `isTransient` tells whether trying again later may help.
public struct SMTPError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable {
        case connectionFailed
        case timeout
        /// The connection closed before the exchange finished.
        case connectionClosed
        /// STARTTLS was required but the server does not offer it.
        case startTLSUnavailable
        case tlsFailed
        case authenticationFailed
        /// The server refused a command; `reply` says how.
        case rejected
        case protocolViolation
    }

    public var code: Code
    /// The refusing reply, for `.rejected` and `.authenticationFailed`.
    public var reply: SMTPReply?
    /// A short explanation; never credentials.
    public var detail: String

    public init(code: Code, reply: SMTPReply? = nil, detail: String = "") {
        self.code = code
        self.reply = reply
        self.detail = detail
    }

    /// Network trouble and 4xx replies are transient; 5xx, TLS and authentication problems are not.
    public var isTransient: Bool {
        switch code {
        case .connectionFailed, .timeout, .connectionClosed: true
        case .rejected: reply?.isTransientFailure ?? false
        case .startTLSUnavailable, .tlsFailed, .authenticationFailed, .protocolViolation: false
        }
    }

    public var description: String {
        var text = "SMTP \(code.rawValue)"
        if !detail.isEmpty { text += ": \(detail)" }
        if let reply { text += " (\(reply))" }
        return text
    }
}
