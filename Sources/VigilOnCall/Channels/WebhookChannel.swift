import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import VigilEvents

/// POSTs the page as JSON to the contact's URL, signed, with an `Idempotency-Key` header and a timeout.
public struct WebhookChannel: NotificationChannel {
    private let client: HTTPClient
    private let signer: WebhookSigner?
    private let timeout: TimeSpan
    private let clock: any WallClock

    public init(client: HTTPClient, signer: WebhookSigner?, timeout: TimeSpan = .seconds(10), clock: any WallClock = SystemClock()) {
        self.client = client
        self.signer = signer
        self.timeout = timeout
        self.clock = clock
    }

    public func deliver(_ message: OutboundMessage) async -> DeliveryOutcome {
        let body = Self.body(for: message)
        var request = HTTPClientRequest(url: message.contact.address)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "Vigil")
        request.headers.add(name: "Idempotency-Key", value: message.key.description)
        request.headers.add(name: "X-Vigil-Timestamp", value: String(clock.now.seconds))
        if let signer { request.headers.add(name: WebhookSigner.header, value: signer.signature(for: body)) }
        request.body = .bytes(ByteBuffer(bytes: body))
        return await HTTPDelivery.send(request, client: client, timeout: timeout)
    }

    /// The exact bytes that are signed and sent.
    public static func body(for message: OutboundMessage) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? Array(encoder.encode(WebhookPayload(message)))) ?? Array("{}".utf8)
    }
}
