/// One incident page in every length a channel needs.
public struct RenderedPage: Sendable, Hashable, Codable {
    /// Email subject, Slack and Telegram first line.
    public var subject: String
    /// The full text for email, Slack, Telegram and webhooks.
    public var text: String
    /// At most 300 characters (160 when possible), link included.
    public var sms: String
    /// Text to speech: no links, no abbreviations a voice would stumble on.
    public var voice: String
    /// The one-tap acknowledgement link, when signed links are configured.
    public var ackURL: String?

    public init(subject: String, text: String, sms: String, voice: String, ackURL: String?) {
        self.subject = subject
        self.text = text
        self.sms = sms
        self.voice = voice
        self.ackURL = ackURL
    }
}
