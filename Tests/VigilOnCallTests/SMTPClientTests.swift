import Foundation
import NIOSSL
import Testing
import VigilTestSupport
import VigilEvents
@testable import VigilOnCall

/// The SMTP client and email channel against aiosmtpd on 127.0.0.1 (`python3 -m pip install aiosmtpd`).
@Suite(.serialized) struct SMTPClientTests {
    func tls() throws -> TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .certificates([try NIOSSLCertificate(bytes: Array(TestCertificate.certificatePEM.utf8), format: .pem)])
        return tls
    }

    /// A generous deadline: these tests check delivery, not speed (`SMTPTimeoutTests` checks the deadline), and
    /// on a loaded host the replies can wait seconds for a thread of the shared test pool.
    func client(_ server: TestSMTPServer, security: SMTPSettings.Security = .startTLS, username: String? = "vigil",
                password: String? = "s3cret-pass", mechanism: SMTPSettings.AuthMechanism = .plain) throws -> SMTPClient {
        SMTPClient(configuration: SMTPClient.Configuration(
            host: "127.0.0.1", port: server.port, security: security, username: username, password: password.map(Secret.init),
            authMechanism: mechanism, heloName: "vigil.test", timeout: .seconds(60), tlsConfiguration: try tls(),
            serverHostname: "localhost"))
    }

    func mail(to: String = "tom.fischer@soc.example", body: String = "Hello Tom.\n.\nA line with a dot above.") -> EmailMessage {
        EmailMessage(from: EmailAddress(parsing: "Vigil SOC <vigil@soc.example>"), to: [to], subject: "[P1] Nordbank AG: Remote-access tool",
                     body: body, date: t("2026-11-21T02:13:05Z"), messageID: "abc123@soc.example")
    }

    @Test(arguments: [SMTPSettings.AuthMechanism.plain, .login])
    func sendsOverSTARTTLSWithAuthentication(mechanism: SMTPSettings.AuthMechanism) async throws {
        let server = try await TestSMTPServer.start()
        defer { server.stop() }
        let reply = try await client(server, mechanism: mechanism).send(mail())
        #expect(reply.code == 250)
        #expect(reply.lines.first == "OK queued as vigil-test-1")
        let received = try await server.waitForMessages(1)
        let message = try #require(received.first)
        #expect(message.tls, "the message went over TLS")
        #expect(message.authenticated)
        #expect(message.mail_from == "vigil@soc.example")
        #expect(message.rcpt_tos == ["tom.fischer@soc.example"])
        #expect(message.data.contains("Subject: [P1] Nordbank AG: Remote-access tool"))
        #expect(message.data.contains("Message-ID: <abc123@soc.example>"))
        #expect(message.data.contains("Hello Tom.\r\n.\r\nA line with a dot above."), "dot-stuffing undone by the server")
    }

    @Test func wrongCredentialsFailForGood() async throws {
        let server = try await TestSMTPServer.start()
        defer { server.stop() }
        let error = await #expect(throws: SMTPError.self) {
            _ = try await client(server, password: "wrong").send(mail())
        }
        #expect(error?.code == .authenticationFailed)
        #expect(error?.reply?.code == 535)
        #expect(error?.isTransient == false)
        #expect(error.map { !"\($0)".contains("wrong") } == true, "the password is never in the error")
        #expect(try await server.waitForMessages(0).isEmpty)
    }

    @Test func refusesToSendWithoutSTARTTLS() async throws {
        let server = try await TestSMTPServer.start(TestSMTPServer.Options(startTLS: false, auth: false))
        defer { server.stop() }
        let error = await #expect(throws: SMTPError.self) {
            _ = try await client(server, username: nil, password: nil).send(mail())
        }
        #expect(error?.code == .startTLSUnavailable)
        // Plain delivery works where the operator chose `security: none` (a relay on loopback).
        let reply = try await client(server, security: .none, username: nil, password: nil).send(mail())
        #expect(reply.code == 250)
        let received = try await server.waitForMessages(1)
        #expect(received.first?.tls == false)
    }

    /// With `security: none`, credentials are only sent to a relay on loopback.
    @Test func onlyLoopbackRelaysCountAsLocal() {
        for local in ["127.0.0.1", "127.0.0.53", "localhost", "::1"] { #expect(SMTPClient.Configuration.isLoopback(local), "\(local)") }
        for remote in ["192.0.2.1", "relay.soc.example", "10.0.0.1"] { #expect(!SMTPClient.Configuration.isLoopback(remote), "\(remote)") }
    }

    @Test func anUntrustedCertificateFails() async throws {
        let server = try await TestSMTPServer.start()
        defer { server.stop() }
        let untrusting = SMTPClient(configuration: SMTPClient.Configuration(
            host: "127.0.0.1", port: server.port, security: .startTLS, timeout: .seconds(60), serverHostname: "localhost"))
        let error = await #expect(throws: SMTPError.self) { _ = try await untrusting.send(mail()) }
        #expect(error?.code == .tlsFailed || error?.code == .connectionClosed)
    }

    @Test func connectionRefusedIsTransient() async throws {
        let server = try await TestSMTPServer.start()
        let port = server.port
        await server.stopAndWait()
        let dead = SMTPClient(configuration: SMTPClient.Configuration(host: "127.0.0.1", port: port, security: .none, timeout: .seconds(5)))
        let error = await #expect(throws: SMTPError.self) { _ = try await dead.send(mail()) }
        #expect(error?.code == .connectionFailed)
        #expect(error?.isTransient == true)
    }

    @Test func theEmailChannelDeliversAPage() async throws {
        let server = try await TestSMTPServer.start()
        defer { server.stop() }
        let clock = ManualClock(t("2026-11-21T02:13:05Z"))
        let channel = EmailChannel(client: try client(server), from: EmailAddress(parsing: "Vigil SOC <vigil@soc.example>"), clock: clock)
        let incident = Fixtures.incident(customer: "factory-sued")
        var named = incident
        named.customerName = "Fabrik Süd GmbH"
        let page = MessageRenderer(zone: ZoneRules(identifier: "Europe/Berlin")!)
            .render(named, recipientName: "Petra Hansen", stepLabel: "step 1 (L1 duty)", ackURL: "https://vigil.soc.example/ack/t.s", now: clock.now)
        let key = IdempotencyKey(incident: "INC-1", step: 1, contact: "petra.email", attempt: 1)
        let message = OutboundMessage(key: key, contact: ContactMethod(id: "petra.email", kind: .email, address: "petra.hansen@soc.example"),
                                      incident: named, page: page, recipientName: "Petra Hansen", urgency: .critical, stepLabel: "step 1 (L1 duty)")
        let outcome = await channel.deliver(message)
        #expect(outcome == .delivered(providerID: "OK queued as vigil-test-1"))
        let received = try #require(try await server.waitForMessages(1).first)
        #expect(received.rcpt_tos == ["petra.hansen@soc.example"])
        #expect(received.data.contains("X-Vigil-Idempotency-Key: INC-1/1/petra.email/1"))
        #expect(received.data.contains("Subject: =?UTF-8?B?"), "the umlaut in the customer name is encoded")
        #expect(received.data.contains("Content-Transfer-Encoding: base64"))
        let bodyStart = try #require(received.data.range(of: "\r\n\r\n"))
        let encoded = received.data[bodyStart.upperBound...].replacingOccurrences(of: "\r\n", with: "")
        let body = String(decoding: try #require(Data(base64Encoded: encoded)), as: UTF8.self)
        #expect(body.hasPrefix("Petra Hansen, Fabrik Süd GmbH needs the SOC"))
        #expect(body.contains("https://vigil.soc.example/ack/t.s"))
        // Same key, same Message-ID: a duplicate is recognisable downstream.
        #expect(channel.email(for: message).messageID == channel.email(for: message).messageID)
        let rejected = await EmailChannel(client: try client(server, password: "nope"), from: EmailAddress(address: "vigil@soc.example"),
                                          clock: clock).deliver(message)
        guard case .permanentFailure(let reason) = rejected else {
            Issue.record("expected a permanent failure, got \(rejected)")
            return
        }
        #expect(reason.contains("authenticationFailed"))
    }
}

/// A server that accepts and never speaks: the client gives up at its deadline.
@Suite struct SMTPTimeoutTests {
    @Test func aSilentServerTimesOut() async throws {
        let silent = try await TestHTTPReceiver.start()  // speaks HTTP only when asked; SMTP clients wait for a greeting
        defer { Task { await silent.shutdown() } }
        let client = SMTPClient(configuration: SMTPClient.Configuration(host: "127.0.0.1", port: silent.port, security: .none,
                                                                        timeout: .milliseconds(400)))
        let started = ContinuousClock.now
        let error = await #expect(throws: SMTPError.self) {
            _ = try await client.send(EmailMessage(from: EmailAddress(address: "vigil@soc.example"), to: ["a@soc.example"], subject: "s",
                                                   body: "b", date: t("2026-11-21T02:13:05Z"), messageID: "m@soc.example"))
        }
        #expect(error?.code == .timeout)
        #expect(error?.isTransient == true)
        #expect(ContinuousClock.now - started < .seconds(30), "gave up long before a hung connection would")
    }
}
