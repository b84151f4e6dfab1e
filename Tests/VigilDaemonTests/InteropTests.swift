import Foundation
import Testing
import VigilTestSupport

/// Real senders (rsyslog, syslog-ng) deliver into a real `vigil serve`, using the exact files in deploy/.
@Suite(.serialized) struct InteropTests {
    static let sshdLine = "<38>Nov 21 03:00:00 db01 sshd[123]: Failed password for root from 203.0.113.7 port 4242 ssh2"

    struct Running {
        let vigil: VigilProcess
        let directory: URL
        let port: Int
    }

    func startVigil(listenerExtra: String = "    customer: bank-nord\n", protocolName: String = "syslog") async throws -> Running {
        let dir = try temporaryDirectory("vigil-interop")
        let port = Ports.free()
        let config = """
        state_dir: state
        database: none
        rules: \(SenderTools.packageRoot.appendingPathComponent("rules").path)
        http: { address: 127.0.0.1, port: \(Ports.free()) }
        listeners:
          - name: senders
            address: 127.0.0.1
            port: \(port)
            protocol: \(protocolName)
            time_zone: UTC
        \(listenerExtra)
        """
        let path = dir.appendingPathComponent("vigil.yml").path
        try config.write(toFile: path, atomically: true, encoding: .utf8)
        let vigil = try VigilProcess(arguments: ["serve", "--config", path, "--print-events"])
        #expect(await Ports.waitUntilListening(port), "\(vigil.errorOutput)")
        return Running(vigil: vigil, directory: dir, port: port)
    }

    func events(_ vigil: VigilProcess, count: Int) async -> [[String: Any]] {
        _ = await vigil.waitForOutput(within: 30) { $0.count >= count }
        return vigil.output.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    func expectSSHDEvent(_ event: [String: Any]?, customer: String = "bank-nord", sourceLocation: SourceLocation = #_sourceLocation) {
        let fields = event?["fields"] as? [String: Any]
        #expect(event?["customer"] as? String == customer, sourceLocation: sourceLocation)
        #expect(fields?["host.name"] as? String == "db01", sourceLocation: sourceLocation)
        #expect(fields?["process.name"] as? String == "sshd", sourceLocation: sourceLocation)
        #expect((event?["message"] as? String)?.hasPrefix("Failed password for root") == true, "\(String(describing: event))",
                sourceLocation: sourceLocation)
        #expect(event?["event_time"] as? String == "2026-11-21T03:00:00Z", sourceLocation: sourceLocation)
        #expect(fields?["user.name"] as? String == "root", sourceLocation: sourceLocation)
        #expect(fields?["source.ip"] as? String == "203.0.113.7", sourceLocation: sourceLocation)
        #expect(fields?["event.outcome"] as? String == "failure", sourceLocation: sourceLocation)
    }

    @Test func rsyslogOmfwdOctetCounted() async throws {
        let running = try await startVigil()
        defer { running.vigil.terminate() }
        let input = Ports.free()
        let rsyslog = try SenderTools.rsyslog(config: """
            global(workDirectory="\(running.directory.path)")
            module(load="imtcp")
            input(type="imtcp" address="127.0.0.1" port="\(input)")
            include(file="\(SenderTools.deploy.appendingPathComponent("rsyslog/vigil-forward.conf").path)")
            """, directory: running.directory, environment: ["VIGIL_HOST": "127.0.0.1", "VIGIL_PORT": "\(running.port)"])
        defer { rsyslog.terminate() }
        try await SenderTools.sendLines([Self.sshdLine], port: input)
        let got = await events(running.vigil, count: 1)
        #expect(got.count == 1)
        expectSSHDEvent(got.first)
        #expect(got.first?["format"] as? String == "rfc5424")
    }

    @Test func rsyslogGtlsWithClientCertificate() async throws {
        let ca = try TestCertificateAuthority()
        let dir = try temporaryDirectory("vigil-interop-tls")
        let server = try ca.issue(commonName: "localhost", dnsNames: ["localhost"], server: true).write(to: dir, name: "server")
        let client = try ca.issue(commonName: "collector.bank-nord.example").write(to: dir, name: "client")
        let caPath = dir.appendingPathComponent("ca.pem").path
        try ca.pem.write(toFile: caPath, atomically: true, encoding: .utf8)
        let running = try await startVigil(listenerExtra: """
                tls:
                  certificate: \(server.certificate)
                  key: \(server.key)
                  client_ca: \(caPath)
                customers_by_certificate:
                  collector.bank-nord.example: bank-nord
            """)
        defer { running.vigil.terminate() }
        let input = Ports.free()
        let rsyslog = try SenderTools.rsyslog(config: """
            global(workDirectory="\(running.directory.path)")
            module(load="imtcp")
            input(type="imtcp" address="127.0.0.1" port="\(input)")
            include(file="\(SenderTools.deploy.appendingPathComponent("rsyslog/vigil-forward-tls.conf").path)")
            """, directory: running.directory, environment: [
                "VIGIL_HOST": "127.0.0.1", "VIGIL_TLS_PORT": "\(running.port)", "VIGIL_SERVER_NAME": "localhost",
                "VIGIL_CA": caPath, "VIGIL_CLIENT_CERT": client.certificate, "VIGIL_CLIENT_KEY": client.key,
            ])
        defer { rsyslog.terminate() }
        try await SenderTools.sendLines([Self.sshdLine], port: input)
        let got = await events(running.vigil, count: 1)
        #expect(got.count == 1, "vigil: \(running.vigil.errorOutput) rsyslog: \((try? String(contentsOf: running.directory.appendingPathComponent("rsyslog.err"), encoding: .utf8)) ?? "")")
        expectSSHDEvent(got.first)
    }

    func syslogNg(destination file: String, protocolName: String, listenerExtra: String = "    customer: bank-nord\n",
                  environment extra: [String: String] = [:]) async throws {
        let running = try await startVigil(listenerExtra: listenerExtra, protocolName: protocolName)
        defer { running.vigil.terminate() }
        let input = Ports.free()
        let syslogNg = try SenderTools.syslogNg(config: """
            @version: 3.38
            options { keep-hostname(yes); keep-timestamp(yes); };
            source s_src { network(ip("127.0.0.1") port(\(input)) transport("tcp") flags(no-multi-line)); };
            @include "\(SenderTools.deploy.appendingPathComponent("syslog-ng/\(file)").path)"

            """, directory: running.directory,
            environment: ["VIGIL_HOST": "127.0.0.1", "VIGIL_PORT": "\(running.port)", "VIGIL_TLS_PORT": "\(running.port)", "TZ": "UTC"]
                .merging(extra) { $1 })
        defer { syslogNg.terminate() }
        try await SenderTools.sendLines([Self.sshdLine], port: input)
        let got = await events(running.vigil, count: 1)
        #expect(got.count == 1, "vigil: \(running.vigil.errorOutput) syslog-ng: \((try? String(contentsOf: running.directory.appendingPathComponent("syslog-ng.err"), encoding: .utf8)) ?? "")")
        expectSSHDEvent(got.first)
    }

    @Test func syslogNgSyslogDestination() async throws {
        try await syslogNg(destination: "vigil-syslog.conf", protocolName: "syslog")
    }

    @Test func syslogNgNetworkDestination() async throws {
        try await syslogNg(destination: "vigil-network.conf", protocolName: "auto")
    }

    @Test func syslogNgTLSWithClientCertificate() async throws {
        let ca = try TestCertificateAuthority()
        let dir = try temporaryDirectory("vigil-interop-ng-tls")
        defer { try? FileManager.default.removeItem(at: dir) }
        let server = try ca.issue(commonName: "127.0.0.1", server: true).write(to: dir, name: "server")
        let client = try ca.issue(commonName: "collector.bank-nord.example").write(to: dir, name: "client")
        let caPath = dir.appendingPathComponent("ca.pem").path
        try ca.pem.write(toFile: caPath, atomically: true, encoding: .utf8)
        try await syslogNg(destination: "vigil-tls.conf", protocolName: "syslog", listenerExtra: """
                tls:
                  certificate: \(server.certificate)
                  key: \(server.key)
                  client_ca: \(caPath)
                customers_by_certificate:
                  collector.bank-nord.example: bank-nord
            """, environment: ["VIGIL_CA": caPath, "VIGIL_CLIENT_CERT": client.certificate, "VIGIL_CLIENT_KEY": client.key])
    }
}
