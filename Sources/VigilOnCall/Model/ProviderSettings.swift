import VigilEvents

/// How to reach each delivery provider. Secrets are references, loaded by the daemon at start.
public struct ProviderSettings: Sendable, Hashable, Codable {
    public var webhook: WebhookSettings
    public var slack: SlackSettings
    public var telegram: TelegramSettings?
    public var twilio: TwilioSettings?
    public var smtp: SMTPSettings?
    public var ack: AckSettings?
    public var retry: RetryPolicy

    public init(
        webhook: WebhookSettings = WebhookSettings(), slack: SlackSettings = SlackSettings(), telegram: TelegramSettings? = nil,
        twilio: TwilioSettings? = nil, smtp: SMTPSettings? = nil, ack: AckSettings? = nil, retry: RetryPolicy = .standard
    ) {
        self.webhook = webhook
        self.slack = slack
        self.telegram = telegram
        self.twilio = twilio
        self.smtp = smtp
        self.ack = ack
        self.retry = retry
    }

    /// Whether a channel of this kind can be delivered at all with these settings.
    public func supports(_ kind: ContactKind) -> Bool {
        switch kind {
        case .webhook, .slack: true
        case .telegram: telegram != nil
        case .sms, .voice: twilio != nil
        case .email: smtp != nil
        }
    }
}

public struct WebhookSettings: Sendable, Hashable, Codable {
    /// Signs each body with HMAC-SHA256 into `X-Vigil-Signature: sha256=<hex>`.
    public var signingSecret: SecretReference?
    public var timeout: TimeSpan

    public init(signingSecret: SecretReference? = nil, timeout: TimeSpan = .seconds(10)) {
        self.signingSecret = signingSecret
        self.timeout = timeout
    }
}

public struct SlackSettings: Sendable, Hashable, Codable {
    public var timeout: TimeSpan

    public init(timeout: TimeSpan = .seconds(10)) { self.timeout = timeout }
}

public struct TelegramSettings: Sendable, Hashable, Codable {
    /// `https://api.telegram.org` unless a test or a proxy says otherwise.
    public var baseURL: String
    public var botToken: SecretReference
    public var timeout: TimeSpan

    public init(baseURL: String = "https://api.telegram.org", botToken: SecretReference, timeout: TimeSpan = .seconds(10)) {
        self.baseURL = baseURL
        self.botToken = botToken
        self.timeout = timeout
    }
}

/// A Twilio-compatible SMS and voice API (`/2010-04-01/Accounts/{sid}/Messages.json`, `…/Calls.json`).
public struct TwilioSettings: Sendable, Hashable, Codable {
    public var baseURL: String
    public var accountSID: String
    public var authToken: SecretReference
    /// The sending number, E.164.
    public var from: String
    public var timeout: TimeSpan

    public init(baseURL: String = "https://api.twilio.com", accountSID: String, authToken: SecretReference, from: String,
                timeout: TimeSpan = .seconds(10)) {
        self.baseURL = baseURL
        self.accountSID = accountSID
        self.authToken = authToken
        self.from = from
        self.timeout = timeout
    }
}

/// An SMTP relay.
public struct SMTPSettings: Sendable, Hashable, Codable {
    public enum Security: String, Sendable, Hashable, Codable {
        /// Plain connection, then STARTTLS; refuses to send if the server does not offer it.
        case startTLS = "starttls"
        /// TLS from the first byte (port 465).
        case tls
        /// No encryption: only for a relay on loopback.
        case none
    }

    public enum AuthMechanism: String, Sendable, Hashable, Codable {
        case plain = "PLAIN"
        case login = "LOGIN"
    }

    public var host: String
    public var port: Int
    public var security: Security
    public var username: String?
    public var password: SecretReference?
    public var authMechanism: AuthMechanism
    /// `Vigil SOC <vigil@soc.example>` or a bare address.
    public var from: String
    /// The name sent with EHLO.
    public var heloName: String
    public var timeout: TimeSpan

    public init(
        host: String, port: Int = 587, security: Security = .startTLS, username: String? = nil, password: SecretReference? = nil,
        authMechanism: AuthMechanism = .plain, from: String, heloName: String = "vigil.localdomain", timeout: TimeSpan = .seconds(30)
    ) {
        self.host = host
        self.port = port
        self.security = security
        self.username = username
        self.password = password
        self.authMechanism = authMechanism
        self.from = from
        self.heloName = heloName
        self.timeout = timeout
    }
}

/// Signed acknowledgement links.
public struct AckSettings: Sendable, Hashable, Codable {
    /// Where Vigil's HTTP endpoint is reachable from a phone, e.g. `https://vigil.soc.example`.
    public var baseURL: String
    public var secret: SecretReference
    public var linkLifetime: TimeSpan

    public init(baseURL: String, secret: SecretReference, linkLifetime: TimeSpan = .hours(24)) {
        self.baseURL = baseURL
        self.secret = secret
        self.linkLifetime = linkLifetime
    }
}
