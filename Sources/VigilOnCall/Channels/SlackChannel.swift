import AsyncHTTPClient
import Foundation
import NIOCore
import VigilEvents

/// Posts to a Slack-compatible incoming webhook (`{"text": …}`; Mattermost and Rocket.Chat accept it too).
public struct SlackChannel: NotificationChannel {
    private let client: HTTPClient
    private let timeout: TimeSpan

    public init(client: HTTPClient, timeout: TimeSpan = .seconds(10)) {
        self.client = client
        self.timeout = timeout
    }

    public func deliver(_ message: OutboundMessage) async -> DeliveryOutcome {
        var request = HTTPClientRequest(url: message.contact.address)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Idempotency-Key", value: message.key.description)
        request.body = .bytes(ByteBuffer(bytes: Self.body(for: message)))
        return await HTTPDelivery.send(request, client: client, timeout: timeout)
    }

    /// `{"text": "*subject*\n…"}` with the acknowledgement as a Slack link.
    public static func body(for message: OutboundMessage) -> [UInt8] {
        var text = "*\(escape(message.page.subject))*\n" + escape(message.page.text)
        if let url = message.page.ackURL {
            text = text.replacingOccurrences(of: escape(url), with: "<\(url)|Acknowledge>")
        }
        let payload = ["text": text]
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? Array(encoder.encode(payload))) ?? Array("{}".utf8)
    }

    /// Slack's three control characters.
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}
