import Foundation
import NIOCore
import NIOSSL
import Testing
import VigilTestSupport
import VigilEvents
@testable import VigilIngest

@Suite(.serialized) struct TLSBindingTests {
    private func tlsListener(ca: TestCertificateAuthority, mode: TLSSettings.ClientCertificate = .required,
                             map: [String: CustomerID]) async throws -> (ListenerHarness, URL) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let files = try ca.writeServerFiles(to: dir)
        let tls = TLSSettings(certificatePath: files.certificate, keyPath: files.key, clientCAPath: files.clientCA, clientCertificate: mode)
        let harness = try await ListenerHarness.start(binding: .certificate(CertificateCustomerMap(map)), tls: tls)
        return (harness, dir)
    }

    private func clientConfiguration(ca: TestCertificateAuthority, identity: TestCertificateAuthority.Issued?) -> TLSConfiguration {
        var config = TLSConfiguration.makeClientConfiguration()
        config.trustRoots = .certificates([try! NIOSSLCertificate(bytes: Array(ca.pem.utf8), format: .pem)])
        if let identity {
            config.certificateChain = [.certificate(identity.nioCertificate)]
            config.privateKey = .privateKey(identity.nioKey)
        }
        return config
    }

    @Test func clientCertificateCommonNameBindsTheCustomer() async throws {
        let ca = try TestCertificateAuthority()
        let (harness, dir) = try await tlsListener(ca: ca, map: ["collector.bank-nord.example": "bank-nord",
                                                                 "collector.factory.example": "factory-sued"])
        defer { try? FileManager.default.removeItem(at: dir) }
        let bank = try ca.issue(commonName: "collector.bank-nord.example")
        let client = try await TestClient.connect(port: harness.port, tls: clientConfiguration(ca: ca, identity: bank))
        try await client.send("<13>1 2026-11-21T03:00:00Z host sshd 1 - - hello over tls\n")
        let events = await harness.sink.next(1)
        #expect(events.map(\.customer) == ["bank-nord"])
        await client.close()
        await harness.stop()
    }

    @Test func subjectAlternativeNameBindsWhenTheCommonNameIsUnknown() async throws {
        let ca = try TestCertificateAuthority()
        let (harness, dir) = try await tlsListener(ca: ca, map: ["collector.factory.example": "factory-sued"])
        defer { try? FileManager.default.removeItem(at: dir) }
        let factory = try ca.issue(commonName: "rsyslog-01", dnsNames: ["collector.factory.example"])
        let client = try await TestClient.connect(port: harness.port, tls: clientConfiguration(ca: ca, identity: factory))
        try await client.send("<13>1 2026-11-21T03:00:00Z host app 1 - - from the factory\n")
        let events = await harness.sink.next(1)
        #expect(events.map(\.customer) == ["factory-sued"])
        await client.close()
        await harness.stop()
    }

    @Test func clientWithoutCertificateIsRefused() async throws {
        let ca = try TestCertificateAuthority()
        let (harness, dir) = try await tlsListener(ca: ca, map: ["collector.bank-nord.example": "bank-nord"])
        defer { try? FileManager.default.removeItem(at: dir) }
        let client = try await TestClient.connect(port: harness.port, tls: clientConfiguration(ca: ca, identity: nil))
        try? await client.send("<13>1 2026-11-21T03:00:00Z host app 1 - - sneaky\n")
        await client.closed()
        #expect(harness.sink.all.isEmpty)
        #expect(harness.rejected("tls_handshake") >= 1)
        await harness.stop()
    }

    @Test func certificateFromAnotherAuthorityIsRefused() async throws {
        let ca = try TestCertificateAuthority()
        let rogue = try TestCertificateAuthority(commonName: "Rogue CA")
        let (harness, dir) = try await tlsListener(ca: ca, map: ["collector.bank-nord.example": "bank-nord"])
        defer { try? FileManager.default.removeItem(at: dir) }
        let forged = try rogue.issue(commonName: "collector.bank-nord.example")
        let client = try await TestClient.connect(port: harness.port, tls: clientConfiguration(ca: ca, identity: forged))
        try? await client.send("<13>1 2026-11-21T03:00:00Z host app 1 - - forged\n")
        await client.closed()
        #expect(harness.sink.all.isEmpty)
        await harness.stop()
    }

    @Test func validButUnmappedCertificateIsRefused() async throws {
        let ca = try TestCertificateAuthority()
        let (harness, dir) = try await tlsListener(ca: ca, map: ["collector.bank-nord.example": "bank-nord"])
        defer { try? FileManager.default.removeItem(at: dir) }
        let stranger = try ca.issue(commonName: "collector.unknown.example")
        let client = try await TestClient.connect(port: harness.port, tls: clientConfiguration(ca: ca, identity: stranger))
        try? await client.send("<13>1 2026-11-21T03:00:00Z host app 1 - - who am i\n")
        await client.closed()
        #expect(harness.sink.all.isEmpty)
        #expect(harness.rejected("unbound_certificate") == 1)
        await harness.stop()
    }
}
