import VigilEvents

extension OnCallJSON {
    /// Reads back what ``providers(_:)`` wrote; nil when a value is missing or malformed.
    public static func providers(from json: JSONValue) -> ProviderSettings? {
        func span(_ v: JSONValue?) -> TimeSpan? { v?.stringValue.flatMap { TimeSpan(parsing: $0) } }
        func secretRef(_ v: JSONValue?) -> SecretReference? {
            if let name = v?["env"]?.stringValue { return .environment(name) }
            if let path = v?["file"]?.stringValue { return .file(path) }
            return nil
        }
        var p = ProviderSettings()
        guard let webhook = json["webhook"], let timeout = span(webhook["timeout"]) else { return nil }
        p.webhook = WebhookSettings(signingSecret: secretRef(webhook["signing_secret"]), timeout: timeout)
        guard let slackTimeout = span(json["slack"]?["timeout"]) else { return nil }
        p.slack = SlackSettings(timeout: slackTimeout)
        if let t = json["telegram"] {
            guard let base = t["base_url"]?.stringValue, let token = secretRef(t["bot_token"]), let timeout = span(t["timeout"]) else { return nil }
            p.telegram = TelegramSettings(baseURL: base, botToken: token, timeout: timeout)
        }
        if let t = json["twilio"] {
            guard let base = t["base_url"]?.stringValue, let sid = t["account_sid"]?.stringValue, let token = secretRef(t["auth_token"]),
                  let from = t["from"]?.stringValue, let timeout = span(t["timeout"]) else { return nil }
            p.twilio = TwilioSettings(baseURL: base, accountSID: sid, authToken: token, from: from, timeout: timeout)
        }
        if let s = json["smtp"] {
            guard let host = s["host"]?.stringValue, let port = s["port"]?.intValue,
                  let security = s["security"]?.stringValue.flatMap(SMTPSettings.Security.init(rawValue:)),
                  let auth = s["auth"]?.stringValue.flatMap({ SMTPSettings.AuthMechanism(rawValue: $0.uppercased()) }),
                  let from = s["from"]?.stringValue, let helo = s["helo"]?.stringValue, let timeout = span(s["timeout"]) else { return nil }
            p.smtp = SMTPSettings(host: host, port: Int(port), security: security, username: s["username"]?.stringValue,
                                  password: secretRef(s["password"]), authMechanism: auth, from: from, heloName: helo, timeout: timeout)
        }
        if let a = json["ack"] {
            guard let base = a["base_url"]?.stringValue, let secret = secretRef(a["secret"]), let lifetime = span(a["link_lifetime"]) else { return nil }
            p.ack = AckSettings(baseURL: base, secret: secret, linkLifetime: lifetime)
        }
        guard let r = json["retry"], let attempts = r["max_attempts"]?.intValue, let initial = span(r["initial_backoff"]),
              let maxBackoff = span(r["max_backoff"]), let multiplier = r["multiplier"]?.intValue else { return nil }
        p.retry = RetryPolicy(maxAttempts: Int(attempts), initialBackoff: initial, multiplier: multiplier, maxBackoff: maxBackoff)
        return p
    }
}
