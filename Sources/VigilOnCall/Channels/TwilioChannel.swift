import AsyncHTTPClient
import Foundation
import NIOCore
import VigilEvents

/// SMS and voice calls through a Twilio-compatible REST API: form-encoded, basic auth, idempotency headers.
public struct TwilioChannel: NotificationChannel {
    public enum Mode: Sendable { case sms, voice }

    private let client: HTTPClient
    private let baseURL: String
    private let accountSID: String
    private let authToken: Secret
    private let from: String
    private let mode: Mode
    private let timeout: TimeSpan

    public init(client: HTTPClient, baseURL: String = "https://api.twilio.com", accountSID: String, authToken: Secret, from: String,
                mode: Mode, timeout: TimeSpan = .seconds(10)) {
        self.client = client
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.accountSID = accountSID
        self.authToken = authToken
        self.from = from
        self.mode = mode
        self.timeout = timeout
    }

    struct Reply: Decodable {
        var sid: String?
        var code: Int?
        var message: String?
    }

    public func deliver(_ message: OutboundMessage) async -> DeliveryOutcome {
        let resource = mode == .sms ? "Messages.json" : "Calls.json"
        var request = HTTPClientRequest(url: "\(baseURL)/2010-04-01/Accounts/\(accountSID)/\(resource)")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        let credentials = Data("\(accountSID):\(authToken.value)".utf8).base64EncodedString()
        request.headers.add(name: "Authorization", value: "Basic \(credentials)")
        request.headers.add(name: "Idempotency-Key", value: message.key.description)
        request.headers.add(name: "I-Twilio-Idempotency-Token", value: message.key.description)
        request.body = .bytes(ByteBuffer(string: Self.form(fields(for: message))))
        return await HTTPDelivery.send(request, client: client, timeout: timeout, providerID: { body in
            (try? JSONDecoder().decode(Reply.self, from: Data(body.utf8)))?.sid
        }, classify: { status, body in
            guard (400..<500).contains(status), status != 408, status != 429,
                  let reply = try? JSONDecoder().decode(Reply.self, from: Data(body.utf8)), let code = reply.code else { return nil }
            return .permanentFailure(reason: "provider error \(code): \(reply.message ?? "rejected")")
        })
    }

    func fields(for message: OutboundMessage) -> [(String, String)] {
        switch mode {
        case .sms:
            return [("To", message.contact.address), ("From", from), ("Body", message.page.sms)]
        case .voice:
            return [("To", message.contact.address), ("From", from), ("Twiml", Self.twiml(message.page.voice))]
        }
    }

    /// `<Response><Say>…</Say></Response>`, escaped.
    public static func twiml(_ text: String) -> String {
        let escaped = text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
        return "<Response><Say>\(escaped)</Say></Response>"
    }

    /// `application/x-www-form-urlencoded` with RFC 3986 unreserved characters kept.
    public static func form(_ fields: [(String, String)]) -> String {
        var allowed = CharacterSet.alphanumerics.intersection(CharacterSet(charactersIn: Unicode.Scalar(0)..<Unicode.Scalar(128)))
        allowed.insert(charactersIn: "-._~")
        return fields.map { key, value in
            (key.addingPercentEncoding(withAllowedCharacters: allowed) ?? key) + "="
                + (value.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")
        }.joined(separator: "&")
    }
}
