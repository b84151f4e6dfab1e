import Crypto
import VigilEvents

/// Sends pages as plain-text email through an SMTP relay.
public struct EmailChannel: NotificationChannel {
    private let client: SMTPClient
    private let from: EmailAddress
    private let clock: any WallClock

    public init(client: SMTPClient, from: EmailAddress, clock: any WallClock = SystemClock()) {
        self.client = client
        self.from = from
        self.clock = clock
    }

    public func deliver(_ message: OutboundMessage) async -> DeliveryOutcome {
        do {
            let reply = try await client.send(email(for: message))
            return .delivered(providerID: reply.lines.first)
        } catch {
            return error.isTransient ? .retryableFailure(reason: error.description, retryAfter: nil) : .permanentFailure(reason: error.description)
        }
    }

    /// The email for a page; its Message-ID derives from the idempotency key, so duplicates are recognisable.
    public func email(for message: OutboundMessage) -> EmailMessage {
        let digest = SHA256.hash(data: Array(message.key.description.utf8)).prefix(16).map { byte in
            (byte < 16 ? "0" : "") + String(byte, radix: 16)
        }.joined()
        let domain = from.address.split(separator: "@").last.map(String.init) ?? "vigil.localdomain"
        return EmailMessage(
            from: from, to: [message.contact.address], subject: message.page.subject, body: message.page.text, date: clock.now,
            messageID: "\(digest)@\(domain)",
            extraHeaders: [("X-Vigil-Incident", message.incident.id), ("X-Vigil-Idempotency-Key", message.key.description)])
    }
}
