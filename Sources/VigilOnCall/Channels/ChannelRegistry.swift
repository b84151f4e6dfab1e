import AsyncHTTPClient
import NIOCore
import NIOPosix
import VigilEvents

/// The channel for each contact kind; delivers a message through the one its contact needs.
public struct ChannelRegistry: Sendable {
    public var channels: [ContactKind: any NotificationChannel]

    public init(channels: [ContactKind: any NotificationChannel]) { self.channels = channels }

    /// Builds the channels the provider settings describe; loads their secrets (errors name the source only).
    public static func make(
        providers: ProviderSettings, httpClient: HTTPClient, environment: [String: String], clock: any WallClock = SystemClock(),
        smtpTLS: SMTPClient.Configuration? = nil, eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) throws(SecretError) -> ChannelRegistry {
        var channels: [ContactKind: any NotificationChannel] = [:]
        let signer = try providers.webhook.signingSecret.map { r throws(SecretError) in WebhookSigner(secret: try r.load(environment: environment)) }
        channels[.webhook] = WebhookChannel(client: httpClient, signer: signer, timeout: providers.webhook.timeout, clock: clock)
        channels[.slack] = SlackChannel(client: httpClient, timeout: providers.slack.timeout)
        if let t = providers.telegram {
            channels[.telegram] = TelegramChannel(client: httpClient, baseURL: t.baseURL, token: try t.botToken.load(environment: environment),
                                                  timeout: t.timeout)
        }
        if let t = providers.twilio {
            let token = try t.authToken.load(environment: environment)
            channels[.sms] = TwilioChannel(client: httpClient, baseURL: t.baseURL, accountSID: t.accountSID, authToken: token, from: t.from,
                                           mode: .sms, timeout: t.timeout)
            channels[.voice] = TwilioChannel(client: httpClient, baseURL: t.baseURL, accountSID: t.accountSID, authToken: token, from: t.from,
                                             mode: .voice, timeout: t.timeout)
        }
        if let s = providers.smtp {
            var config = smtpTLS ?? SMTPClient.Configuration(host: s.host, port: s.port)
            config.host = s.host
            config.port = s.port
            config.security = s.security
            config.username = s.username
            config.password = try s.password.map { r throws(SecretError) in try r.load(environment: environment) }
            config.authMechanism = s.authMechanism
            config.heloName = s.heloName
            config.timeout = s.timeout
            channels[.email] = EmailChannel(client: SMTPClient(configuration: config, group: eventLoopGroup),
                                            from: EmailAddress(parsing: s.from), clock: clock)
        }
        return ChannelRegistry(channels: channels)
    }

    /// Delivers through the contact's channel; a kind without a channel fails permanently (so the person's next contact is tried).
    public func deliver(_ message: OutboundMessage) async -> DeliveryOutcome {
        guard let channel = channels[message.contact.kind] else {
            return .permanentFailure(reason: "no \(message.contact.kind) provider configured")
        }
        return await channel.deliver(message)
    }
}
