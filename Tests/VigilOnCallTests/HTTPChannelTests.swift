import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Testing
import VigilTestSupport
import VigilEvents
@testable import VigilOnCall

/// The HTTP adapters against a real HTTP server on 127.0.0.1.
@Suite struct HTTPChannelTests {
    let clock = ManualClock(t("2026-11-21T02:13:00Z"))

    func message(_ contact: ContactMethod, key: IdempotencyKey? = nil) -> OutboundMessage {
        let incident = Fixtures.incident()
        let page = MessageRenderer(zone: ZoneRules(identifier: "Europe/Berlin")!)
            .render(incident, recipientName: "Tom Fischer", stepLabel: "step 1 (L1)", ackURL: "https://vigil.soc.example/ack/abc.def",
                    now: clock.now)
        return OutboundMessage(key: key ?? IdempotencyKey(incident: incident.id, step: 1, contact: contact.id, attempt: 1),
                               contact: contact, incident: incident, page: page, recipientName: "Tom Fischer", urgency: .high,
                               stepLabel: "step 1 (L1)")
    }

    @Test func webhookSignsTheBodyAndSendsTheIdempotencyKey() async throws {
        let receiver = try await TestHTTPReceiver.start()
        defer { Task { await receiver.shutdown() } }
        let signer = WebhookSigner(secret: Secret("webhook-secret"))
        let channel = WebhookChannel(client: .shared, signer: signer, timeout: .seconds(5), clock: clock)
        let contact = ContactMethod(id: "tickets", kind: .webhook, address: "\(receiver.baseURL)/hooks/vigil?team=soc")
        let outcome = await channel.deliver(message(contact))
        #expect(outcome == .delivered(providerID: nil))
        let request = try #require(receiver.requests.first)
        #expect(request.method == .POST)
        #expect(request.uri == "/hooks/vigil?team=soc")
        #expect(request.headers.first(name: "Idempotency-Key") == "INC-1/1/tickets/1")
        #expect(request.headers.first(name: "Content-Type") == "application/json")
        #expect(request.headers.first(name: "X-Vigil-Timestamp") == String(clock.now.seconds))
        let signature = try #require(request.headers.first(name: "X-Vigil-Signature"))
        #expect(signature.hasPrefix("sha256=") && signature.count == 7 + 64)
        #expect(signer.isValid(signature: signature, for: request.body))
        #expect(!WebhookSigner(secret: Secret("other")).isValid(signature: signature, for: request.body))
        #expect(!signer.isValid(signature: signature, for: request.body + [0x20]))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any])
        #expect(json["idempotency_key"] as? String == "INC-1/1/tickets/1")
        #expect(json["ack_url"] as? String == "https://vigil.soc.example/ack/abc.def")
        let incident = try #require(json["incident"] as? [String: Any])
        #expect(incident["customer"] as? String == "bank-nord")
        #expect(incident["priority"] as? String == "P2")
        #expect(incident["first_seen"] as? String == "2026-11-21T02:04:00Z")
        #expect((incident["response_steps"] as? [String])?.count == 3)
    }

    @Test func httpStatusesAreClassified() async throws {
        let statuses: [(HTTPResponseStatus, [(String, String)])] = [(.badRequest, []), (.tooManyRequests, [("Retry-After", "12")]),
                                                                     (.serviceUnavailable, []), (.gone, [])]
        let receiver = try await TestHTTPReceiver.start { _, index in
            TestHTTPReceiver.Response(status: statuses[index].0, headers: statuses[index].1, body: "{\"error\":\"x\"}")
        }
        defer { Task { await receiver.shutdown() } }
        let channel = WebhookChannel(client: .shared, signer: nil, timeout: .seconds(5), clock: clock)
        let contact = ContactMethod(id: "w", kind: .webhook, address: "\(receiver.baseURL)/x")
        var outcomes: [DeliveryOutcome] = []
        for _ in statuses { outcomes.append(await channel.deliver(message(contact))) }
        #expect(outcomes[0] == .permanentFailure(reason: "HTTP 400: {\"error\":\"x\"}"))
        #expect(outcomes[1] == .retryableFailure(reason: "HTTP 429: {\"error\":\"x\"}", retryAfter: .seconds(12)))
        #expect(outcomes[2] == .retryableFailure(reason: "HTTP 503: {\"error\":\"x\"}", retryAfter: nil))
        #expect(outcomes[3] == .permanentFailure(reason: "HTTP 410: {\"error\":\"x\"}"))
        #expect(receiver.requests.first?.headers.first(name: "X-Vigil-Signature") == nil, "no secret, no signature")
    }

    @Test func timeoutsAndRefusedConnectionsAreRetryable() async throws {
        let receiver = try await TestHTTPReceiver.start { _, _ in TestHTTPReceiver.Response(delay: .seconds(3)) }
        defer { Task { await receiver.shutdown() } }
        let slow = WebhookChannel(client: .shared, signer: nil, timeout: .milliseconds(300), clock: clock)
        let outcome = await slow.deliver(message(ContactMethod(id: "w", kind: .webhook, address: "\(receiver.baseURL)/slow")))
        #expect(outcome == .retryableFailure(reason: "timed out", retryAfter: nil))

        let closedPort = try await TestHTTPReceiver.start()
        let url = "\(closedPort.baseURL)/gone"
        await closedPort.shutdown()
        let refused = await slow.deliver(message(ContactMethod(id: "w", kind: .webhook, address: url)))
        guard case .retryableFailure = refused else {
            Issue.record("expected a retryable failure, got \(refused)")
            return
        }
    }

    @Test func slackIncomingWebhook() async throws {
        let receiver = try await TestHTTPReceiver.start { _, index in
            index == 0 ? TestHTTPReceiver.Response(body: "ok") : TestHTTPReceiver.Response(status: .notFound, body: "no_service")
        }
        defer { Task { await receiver.shutdown() } }
        let channel = SlackChannel(client: .shared, timeout: .seconds(5))
        let contact = ContactMethod(id: "felix.slack", kind: .slack, address: "\(receiver.baseURL)/services/T1/B2/c3")
        #expect(await channel.deliver(message(contact)) == .delivered(providerID: nil))
        #expect(await channel.deliver(message(contact)) == .permanentFailure(reason: "HTTP 404: no_service"))
        let request = try #require(receiver.requests.first)
        #expect(request.uri == "/services/T1/B2/c3")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(request.body)) as? [String: String])
        let text = try #require(json["text"])
        #expect(text.hasPrefix("*[P2] Nordbank AG: SSH brute force, then a successful login*\n"))
        #expect(text.contains("<https://vigil.soc.example/ack/abc.def|Acknowledge>"))
        #expect(text.contains("Block 203.0.113.7"))
    }

    @Test func telegramSendMessage() async throws {
        let receiver = try await TestHTTPReceiver.start { _, index in
            switch index {
            case 0: TestHTTPReceiver.Response(body: #"{"ok":true,"result":{"message_id":4711}}"#)
            case 1: TestHTTPReceiver.Response(status: .tooManyRequests,
                                              body: #"{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 7","parameters":{"retry_after":7}}"#)
            default: TestHTTPReceiver.Response(status: .badRequest, body: #"{"ok":false,"error_code":400,"description":"Bad Request: chat not found"}"#)
            }
        }
        defer { Task { await receiver.shutdown() } }
        let token = Secret("123456:TEST-token-value")
        let channel = TelegramChannel(client: .shared, baseURL: receiver.baseURL, token: token, timeout: .seconds(5))
        let contact = ContactMethod(id: "tom.telegram", kind: .telegram, address: "100000012")
        #expect(await channel.deliver(message(contact)) == .delivered(providerID: "4711"))
        let throttled = await channel.deliver(message(contact))
        #expect(throttled == .retryableFailure(reason: "Telegram 429: Too Many Requests: retry after 7", retryAfter: .seconds(7)))
        let unknown = await channel.deliver(message(contact))
        #expect(unknown == .permanentFailure(reason: "Telegram 400: Bad Request: chat not found"))
        #expect(!"\(throttled)\(unknown)".contains(token.value), "outcomes never carry the token")
        let request = try #require(receiver.requests.first)
        #expect(request.uri == "/bot123456:TEST-token-value/sendMessage")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any])
        #expect(json["chat_id"] as? String == "100000012")
        #expect((json["text"] as? String)?.hasPrefix("[P2] Nordbank AG") == true)
    }

    @Test func twilioSMSAndVoice() async throws {
        let receiver = try await TestHTTPReceiver.start { request, _ in
            if request.bodyText.contains("To=%2B4915100000000") {
                return TestHTTPReceiver.Response(status: .badRequest,
                                                 body: #"{"code":21211,"message":"The 'To' number is not a valid phone number.","status":400}"#)
            }
            let sid = request.uri.hasSuffix("Calls.json") ? "CA42" : "SM42"
            return TestHTTPReceiver.Response(status: .created, body: #"{"sid":"\#(sid)","status":"queued"}"#)
        }
        defer { Task { await receiver.shutdown() } }
        let sms = TwilioChannel(client: .shared, baseURL: receiver.baseURL, accountSID: "AC123", authToken: Secret("tw-token"),
                                from: "+4930901820000", mode: .sms, timeout: .seconds(5))
        let voice = TwilioChannel(client: .shared, baseURL: receiver.baseURL, accountSID: "AC123", authToken: Secret("tw-token"),
                                  from: "+4930901820000", mode: .voice, timeout: .seconds(5))
        let phone = ContactMethod(id: "tom.sms", kind: .sms, address: "+4915110000012")
        #expect(await sms.deliver(message(phone)) == .delivered(providerID: "SM42"))
        #expect(await voice.deliver(message(ContactMethod(id: "tom.voice", kind: .voice, address: "+4915110000012")))
            == .delivered(providerID: "CA42"))
        let bad = await sms.deliver(message(ContactMethod(id: "x.sms", kind: .sms, address: "+4915100000000")))
        #expect(bad == .permanentFailure(reason: "provider error 21211: The 'To' number is not a valid phone number."))

        let first = receiver.requests[0]
        #expect(first.uri == "/2010-04-01/Accounts/AC123/Messages.json")
        #expect(first.headers.first(name: "Authorization") == "Basic " + Data("AC123:tw-token".utf8).base64EncodedString())
        #expect(first.headers.first(name: "Content-Type") == "application/x-www-form-urlencoded")
        #expect(first.headers.first(name: "Idempotency-Key") == "INC-1/1/tom.sms/1")
        #expect(first.headers.first(name: "I-Twilio-Idempotency-Token") == "INC-1/1/tom.sms/1")
        let form = Self.parseForm(first.bodyText)
        #expect(form["To"] == "+4915110000012")
        #expect(form["From"] == "+4930901820000")
        #expect(form["Body"]?.hasSuffix("Ack: https://vigil.soc.example/ack/abc.def") == true)
        #expect((form["Body"]?.count ?? 999) <= 300)

        let call = receiver.requests[1]
        #expect(call.uri == "/2010-04-01/Accounts/AC123/Calls.json")
        let twiml = try #require(Self.parseForm(call.bodyText)["Twiml"])
        #expect(twiml.hasPrefix("<Response><Say>This is Vigil, the security operations centre."))
        #expect(twiml.hasSuffix("</Say></Response>"))
        #expect(!twiml.contains("http"))
    }

    @Test func registryRoutesByKindAndRefusesMissingProviders() async throws {
        let receiver = try await TestHTTPReceiver.start()
        defer { Task { await receiver.shutdown() } }
        let providers = ProviderSettings(webhook: WebhookSettings(signingSecret: .environment("HOOK_SECRET")))
        let registry = try ChannelRegistry.make(providers: providers, httpClient: .shared, environment: ["HOOK_SECRET": "s"], clock: clock)
        #expect(await registry.deliver(message(ContactMethod(id: "w", kind: .webhook, address: "\(receiver.baseURL)/w"))) == .delivered(providerID: nil))
        #expect(await registry.deliver(message(ContactMethod(id: "s", kind: .sms, address: "+4915110000012")))
            == .permanentFailure(reason: "no SMS provider configured"))
        #expect(receiver.requests.first?.headers.first(name: "X-Vigil-Signature") != nil)
        let missing = #expect(throws: SecretError.self) {
            try ChannelRegistry.make(providers: providers, httpClient: .shared, environment: [:], clock: clock)
        }
        #expect(missing?.code == .missing)
    }

    static func parseForm(_ body: String) -> [String: String] {
        var result: [String: String] = [:]
        for pair in body.split(separator: "&") {
            let kv = pair.split(separator: "=", maxSplits: 1).map { String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? "" }
            if kv.count == 2 { result[kv[0]] = kv[1] }
        }
        return result
    }
}
