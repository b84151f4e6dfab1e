import AsyncHTTPClient
import Foundation
import NIOCore
import VigilEvents

/// Sends through the Telegram Bot API's `sendMessage`. The bot token is part of the URL, so it never appears in outcomes.
public struct TelegramChannel: NotificationChannel {
    private let client: HTTPClient
    private let baseURL: String
    private let token: Secret
    private let timeout: TimeSpan

    public init(client: HTTPClient, baseURL: String = "https://api.telegram.org", token: Secret, timeout: TimeSpan = .seconds(10)) {
        self.client = client
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.token = token
        self.timeout = timeout
    }

    struct SendMessage: Encodable {
        var chat_id: String
        var text: String
        var disable_web_page_preview = true
    }

    struct Reply: Decodable {
        struct Result: Decodable { var message_id: Int? }
        struct Parameters: Decodable { var retry_after: Int? }
        var ok: Bool
        var result: Result?
        var description: String?
        var error_code: Int?
        var parameters: Parameters?
    }

    public func deliver(_ message: OutboundMessage) async -> DeliveryOutcome {
        var request = HTTPClientRequest(url: "\(baseURL)/bot\(token.value)/sendMessage")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        let text = String((message.page.subject + "\n\n" + message.page.text).prefix(4096))
        let body = (try? JSONEncoder().encode(SendMessage(chat_id: message.contact.address, text: text))) ?? Data()
        request.body = .bytes(ByteBuffer(bytes: body))
        return await HTTPDelivery.send(request, client: client, timeout: timeout, providerID: { body in
            (try? JSONDecoder().decode(Reply.self, from: Data(body.utf8)))?.result?.message_id.map(String.init)
        }, classify: { status, body in
            guard !(200..<300).contains(status), let reply = try? JSONDecoder().decode(Reply.self, from: Data(body.utf8)) else { return nil }
            let reason = "Telegram \(reply.error_code ?? status): \(reply.description ?? "error")"
            if status == 429 || status >= 500 {
                return .retryableFailure(reason: reason, retryAfter: reply.parameters?.retry_after.map { .seconds(Int64($0)) })
            }
            return .permanentFailure(reason: reason)
        })
    }
}
