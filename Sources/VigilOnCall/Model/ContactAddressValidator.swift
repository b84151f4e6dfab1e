import Foundation

/// Checks contact addresses; each check returns nil when the address is fine, or the reason it is not.
public enum ContactAddressValidator {
    /// The problem with `address` for a contact of `kind`, or nil.
    public static func problem(kind: ContactKind, address: String) -> String? {
        switch kind {
        case .voice, .sms: phoneProblem(address)
        case .email: emailProblem(address)
        case .telegram: telegramChatProblem(address)
        case .slack: slackWebhookProblem(address)
        case .webhook: urlProblem(address, allowHTTP: true)
        }
    }

    /// E.164: `+`, a country code not starting with 0, 7 to 15 digits in all, no spaces.
    public static func phoneProblem(_ text: String) -> String? {
        let bytes = Array(text.utf8)
        guard bytes.first == UInt8(ascii: "+") else { return "phone number '\(text)' must be in E.164 form, starting with '+' (e.g. +4930123456)" }
        let digits = bytes.dropFirst()
        guard digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return "phone number '\(text)' must contain only digits after '+'" }
        guard let first = digits.first, first != UInt8(ascii: "0") else { return "phone number '\(text)' must not start with 0 after '+'" }
        guard (7...15).contains(digits.count) else { return "phone number '\(text)' must have 7 to 15 digits, has \(digits.count)" }
        return nil
    }

    /// A mailbox in RFC 5321's practical subset: dot-atom local part, a domain name of two or more labels.
    public static func emailProblem(_ text: String) -> String? {
        guard text.utf8.count <= 254 else { return "email address is longer than 254 characters" }
        guard let at = text.lastIndex(of: "@") else { return "email address '\(text)' has no '@'" }
        let local = text[..<at]
        let domain = text[text.index(after: at)...]
        guard !local.isEmpty, local.utf8.count <= 64 else { return "email address '\(text)' needs a local part of 1 to 64 characters" }
        let atext = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-/=?^_`{|}~".utf8)
        for atom in local.split(separator: ".", omittingEmptySubsequences: false) {
            guard !atom.isEmpty else { return "email address '\(text)' has an empty part between dots before '@'" }
            guard atom.utf8.allSatisfy({ atext.contains($0) }) else { return "email address '\(text)' has a character not allowed before '@'" }
        }
        if let problem = domainProblem(String(domain)) { return "email address '\(text)': \(problem)" }
        return nil
    }

    /// A DNS host name with at least two labels and a non-numeric top-level label.
    public static func domainProblem(_ domain: String) -> String? {
        guard !domain.isEmpty, domain.utf8.count <= 253 else { return "domain must have 1 to 253 characters" }
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2 else { return "domain '\(domain)' needs at least two labels (example.com)" }
        for label in labels {
            guard (1...63).contains(label.utf8.count) else { return "domain '\(domain)' has an empty or too long label" }
            guard label.utf8.allSatisfy({ isAlnum($0) || $0 == UInt8(ascii: "-") }),
                  label.utf8.first != UInt8(ascii: "-"), label.utf8.last != UInt8(ascii: "-")
            else { return "domain '\(domain)' has a label with characters other than letters, digits and inner '-'" }
        }
        if labels.last!.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) { return "domain '\(domain)' has a numeric top-level label" }
        return nil
    }

    /// An absolute `https` (or, when allowed, `http`) URL with a host.
    public static func urlProblem(_ text: String, allowHTTP: Bool) -> String? {
        guard !text.contains(where: { $0 == " " || $0 == "\t" || $0 == "\n" }) else { return "URL '\(redactedURL(text))' contains whitespace" }
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased() else {
            return "'\(redactedURL(text))' is not a URL"
        }
        guard scheme == "https" || (allowHTTP && scheme == "http") else {
            return allowHTTP ? "URL '\(redactedURL(text))' must use http or https" : "URL '\(redactedURL(text))' must use https"
        }
        guard let host = components.host, !host.isEmpty else { return "URL '\(redactedURL(text))' has no host" }
        if let port = components.port, !(1...65535).contains(port) { return "URL '\(redactedURL(text))' has an invalid port" }
        return nil
    }

    /// A Slack (or Slack-compatible) incoming webhook URL; on hooks.slack.com the path must be `/services/T…/B…/…`.
    public static func slackWebhookProblem(_ text: String) -> String? {
        if let problem = urlProblem(text, allowHTTP: false) { return "Slack webhook: \(problem)" }
        guard let components = URLComponents(string: text), components.host?.lowercased() == "hooks.slack.com" else { return nil }
        let parts = components.path.split(separator: "/", omittingEmptySubsequences: false)
        let ok = parts.count == 5 && parts[0].isEmpty && parts[1] == "services"
            && parts[2].first == "T" && parts[3].first == "B" && parts[2...4].allSatisfy { !$0.isEmpty && $0.utf8.allSatisfy(isAlnum) }
        return ok ? nil : "Slack webhook URL must look like https://hooks.slack.com/services/T…/B…/…"
    }

    /// A numeric chat id (groups are negative) or a public `@channelname` of 5 to 32 characters.
    public static func telegramChatProblem(_ text: String) -> String? {
        if text.hasPrefix("@") {
            let name = text.utf8.dropFirst()
            guard (5...32).contains(name.count), let first = name.first, isAlpha(first),
                  name.allSatisfy({ isAlnum($0) || $0 == UInt8(ascii: "_") })
            else { return "Telegram channel name '\(text)' must be '@' and 5 to 32 letters, digits or '_', starting with a letter" }
            return nil
        }
        let digits = text.hasPrefix("-") ? Substring(text.dropFirst()) : Substring(text)
        guard !digits.isEmpty, digits.count <= 20, digits.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), digits.contains(where: { $0 != "0" })
        else { return "Telegram chat id '\(text)' must be a non-zero integer (negative for groups) or an @channel name" }
        return nil
    }

    /// The URL with its path and query replaced by `…`, so a webhook token never reaches a log.
    public static func redactedURL(_ text: String) -> String {
        guard let components = URLComponents(string: text), let scheme = components.scheme, let host = components.host else { return "…" }
        return "\(scheme)://\(host)\(components.port.map { ":\($0)" } ?? "")/…"
    }

    private static func isAlpha(_ b: UInt8) -> Bool { (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) }
    private static func isAlnum(_ b: UInt8) -> Bool { isAlpha(b) || (b >= 0x30 && b <= 0x39) }
}
