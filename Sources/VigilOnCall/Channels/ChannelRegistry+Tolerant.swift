import AsyncHTTPClient
import Foundation
import NIOCore
import NIOPosix
import VigilEvents

extension ChannelRegistry {
    /// The channels the settings describe, leaving out (and reporting) each provider whose secret cannot be loaded,
    /// so one missing token does not stop the other channels: pages for a missing kind fail permanently and fall
    /// back to the person's next contact. Uses the process-wide HTTP client.
    public static func tolerant(providers: ProviderSettings, environment: [String: String] = ProcessInfo.processInfo.environment,
                                httpClient: HTTPClient = .shared, clock: any WallClock = SystemClock(),
                                smtpTLS: SMTPClient.Configuration? = nil) -> (registry: ChannelRegistry, problems: [SecretError]) {
        var settings = providers
        var problems: [SecretError] = []
        var unsignedWebhooks = false
        // Each failing provider is removed in turn; at most one pass per provider.
        for _ in 0..<5 {
            do {
                var registry = try make(providers: settings, httpClient: httpClient, environment: environment, clock: clock, smtpTLS: smtpTLS)
                // Without its signing secret the webhook channel stays off rather than sending unsigned pages.
                if unsignedWebhooks { registry.channels[.webhook] = nil }
                return (registry, problems)
            } catch {
                problems.append(error)
                if let s = settings.webhook.signingSecret, (try? s.load(environment: environment)) == nil {
                    settings.webhook.signingSecret = nil
                    unsignedWebhooks = true
                } else if let t = settings.telegram, (try? t.botToken.load(environment: environment)) == nil {
                    settings.telegram = nil
                } else if let t = settings.twilio, (try? t.authToken.load(environment: environment)) == nil {
                    settings.twilio = nil
                } else if let s = settings.smtp, let p = s.password, (try? p.load(environment: environment)) == nil {
                    settings.smtp = nil
                } else {
                    break
                }
            }
        }
        return (ChannelRegistry(channels: [:]), problems)
    }
}
