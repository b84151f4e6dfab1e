import Foundation
import PostgresNIO
import Testing
@testable import VigilDaemon
import VigilOnCall
import VigilEvents
import VigilStore
import VigilTestSupport

/// `vigil doctor`'s checks against temporary directories, real sockets and a manual clock.
@Suite struct DoctorTests {
    static let rules = SenderTools.packageRoot.appendingPathComponent("rules").path

    static func at(_ rfc3339: String) -> Timestamp { Timestamp(rfc3339: rfc3339)! }

    /// A configuration file in `dir`: one listener per port, rules from the repository unless told otherwise.
    static func writeConfig(_ dir: URL, listeners: [(name: String, port: Int)], httpPort: Int, database: String = "none",
                            rules: String = DoctorTests.rules, extra: String = "", listenerExtra: String = "") throws -> String {
        let listenerText = listeners.map { """
              - name: \($0.name)
                address: 127.0.0.1
                port: \($0.port)
                customer: bank-nord
            \(listenerExtra)
            """ }.joined(separator: "\n")
        let text = """
            state_dir: state
            rules: \(rules)
            database: \(database)
            http:
              address: 127.0.0.1
              port: \(httpPort)
            listeners:
            \(listenerText)
            \(extra)
            """
        let path = dir.appendingPathComponent("vigil.yml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static func doctor(_ path: String, clock: any WallClock = ManualClock(DoctorTests.at("2026-11-18T10:00:00Z")), options: DoctorOptions = DoctorOptions(),
                       probes: any DoctorProbes = SystemProbes()) async -> DoctorReport {
        await Doctor.run(configPath: path, options: options, probes: probes, clock: clock)
    }

    @Test func goodConfigurationPasses() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (a, b, http) = (Ports.free(), Ports.free(), Ports.free())
        let path = try Self.writeConfig(dir, listeners: [("syslog", a), ("json", b)], httpPort: http)
        let report = await Self.doctor(path)
        #expect(!report.failed, "\(report.text)")
        #expect(report.exitCode == 0)
        #expect(report.findings.first?.line == "ok    config: \(path) loaded (2 listeners, database none)")
        #expect(report.findings(of: "ports").map(\.line) == [
            "ok    listener syslog 127.0.0.1:\(a): free", "ok    listener json 127.0.0.1:\(b): free", "ok    http 127.0.0.1:\(http): free",
        ])
        let files = try #require(report.findings(of: "files").first)
        #expect(files.status == .ok)
        #expect(files.message.hasSuffix("state_dir \(dir.path)/state will be created"), "\(files.message)")
        #expect(report.findings(of: "tls").map(\.line) == ["ok    tls: no TLS listeners, nothing to check"])
        #expect(report.findings(of: "database").map(\.status) == [.ok])
        let rules = try #require(report.findings(of: "rules").first)
        #expect(rules.status == .ok)
        #expect(rules.message.hasPrefix("rules: ") && rules.message.hasSuffix(" extractors valid"), "\(rules.message)")
        #expect(report.findings(of: "oncall").map(\.line) == ["ok    on-call: paging is off (database: none)"])
    }

    @Test func configurationErrorsAreReportedWithPositionsAndNothingElseRuns() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("vigil.yml").path
        try "listeners:\n  - name: broken\n    port: [unclosed\n".write(toFile: path, atomically: true, encoding: .utf8)
        let report = await Self.doctor(path)
        #expect(report.failed)
        #expect(report.exitCode == 1)
        #expect(!report.findings.isEmpty)
        #expect(report.findings.allSatisfy { $0.check == "config" && $0.status == .fail })
        #expect(report.findings.first?.message.hasPrefix("\(path):4:1: ") == true, "\(report.text)")
    }

    @Test func portHeldByAnotherProcessFailsWithTheFix() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let held = try HeldPort()
        defer { held.close() }
        let path = try Self.writeConfig(dir, listeners: [("bank-syslog", held.port)], httpPort: Ports.free())
        let report = await Self.doctor(path)
        #expect(report.failed)
        #expect(report.findings(of: "ports").first?.line
                == "FAIL  listener bank-syslog 127.0.0.1:\(held.port): port in use (by another process) — stop it or pick another port")
    }

    @Test func portHeldByThisConfigurationsRunningVigilIsFine() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let held = try HeldPort()
        defer { held.close() }
        let path = try Self.writeConfig(dir, listeners: [("bank-syslog", held.port)], httpPort: Ports.free())
        let report = await Self.doctor(path, probes: VigilAnswers())
        #expect(!report.failed, "\(report.text)")
        #expect(report.findings(of: "ports").first?.line == "ok    listener bank-syslog 127.0.0.1:\(held.port): in use by this Vigil (running)")
    }

    @Test func missingFilesFailWithTheirPaths() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let tls = """
                tls:
                  certificate: missing/server.pem
                  key: missing/server.key
            """
        let path = try Self.writeConfig(dir, listeners: [("tls", Ports.free())], httpPort: Ports.free(), listenerExtra: tls)
        let report = await Self.doctor(path)
        let files = report.findings(of: "files").map(\.line)
        #expect(files.contains("FAIL  tls certificate \(dir.path)/missing/server.pem does not exist — create it or correct the path in the configuration"),
                "\(files)")
        #expect(files.contains { $0.hasPrefix("FAIL  tls key \(dir.path)/missing/server.key does not exist") })
        #expect(report.findings(of: "tls").first?.status == .fail)
    }

    @Test func acknowledgementSecretMustBeReadableAndLongEnough() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let secret = dir.appendingPathComponent("ack.key").path
        try "too-short\n".write(toFile: secret, atomically: true, encoding: .utf8)
        let path = try Self.writeConfig(dir, listeners: [("syslog", Ports.free())], httpPort: Ports.free(), database: "embedded",
                                        extra: "acknowledgement: {secret_file: ack.key}")
        let short = await Self.doctor(path)
        #expect(short.findings(of: "files").map(\.line) == ["FAIL  acknowledgement secret (file \(secret)) is shorter than 32 bytes — use at least 32 random bytes"])
        #expect(!short.text.contains("too-short"))

        try FileManager.default.removeItem(atPath: secret)
        let missing = await Self.doctor(path)
        #expect(missing.findings(of: "files").map(\.line)
                == ["FAIL  acknowledgement secret \(secret) does not exist (Vigil does not start without it) — create it or correct the path in the configuration"])

        try String(repeating: "k", count: 40).write(toFile: secret, atomically: true, encoding: .utf8)
        let fine = await Self.doctor(path)
        #expect(fine.findings(of: "files").first?.status == .ok)
        #expect(fine.findings(of: "files").first?.message.contains("acknowledgement secret") == true)
    }

    @Test func expiredExpiringAndNotYetValidCertificates() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let cert = try await OpenSSL.selfSigned(in: dir, name: "server")
        let tls = """
                tls:
                  certificate: \(cert.certificate)
                  key: \(cert.key)
            """
        let path = try Self.writeConfig(dir, listeners: [("tls", Ports.free())], httpPort: Ports.free(), listenerExtra: tls)
        let expiry = String(cert.notAfter.rfc3339.prefix(10))

        let expiring = await Self.doctor(path, clock: ManualClock(cert.notAfter - .days(12) - .hours(1)))
        #expect(expiring.findings(of: "tls").map(\.line) == ["WARN  tls certificate \(cert.certificate) expires in 12 days (\(expiry)) — renew it"])
        #expect(!expiring.failed, "\(expiring.text)")

        let expired = await Self.doctor(path, clock: ManualClock(cert.notAfter + .days(3)))
        #expect(expired.findings(of: "tls").map(\.line)
                == ["FAIL  tls certificate \(cert.certificate) expired on \(expiry) (3 days ago) — renew it, then reload Vigil (systemctl reload vigil)"])
        #expect(expired.failed)

        let early = await Self.doctor(path, clock: ManualClock(cert.notBefore - .hours(1)))
        #expect(early.findings(of: "tls").first?.status == .fail)
        #expect(early.findings(of: "tls").first?.message.contains("is not valid before \(cert.notBefore.rfc3339.prefix(10))") == true)

        let fine = await Self.doctor(path, clock: ManualClock(cert.notAfter - .days(29)),
                                     options: DoctorOptions(certificateWarningDays: 7))
        #expect(fine.findings(of: "tls").map(\.line)
                == ["ok    tls certificate \(cert.certificate) valid until \(expiry) (29 days), key matches (listener tls)"])
    }

    @Test func keyThatDoesNotBelongToTheCertificateFails() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let one = try await OpenSSL.selfSigned(in: dir, name: "one")
        let other = try await OpenSSL.selfSigned(in: dir, name: "other")
        let tls = """
                tls:
                  certificate: \(one.certificate)
                  key: \(other.key)
            """
        let path = try Self.writeConfig(dir, listeners: [("tls", Ports.free())], httpPort: Ports.free(), listenerExtra: tls)
        let report = await Self.doctor(path, clock: ManualClock(one.notAfter - .days(20)))
        #expect(report.findings(of: "tls").first?.line
                == "FAIL  tls key \(other.key) does not match tls certificate \(one.certificate) (listener tls) — use the key the certificate was issued for")
        #expect(report.failed)
    }

    @Test func badRuleIsReportedAsFileLineColumn() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let rules = dir.appendingPathComponent("rules")
        try FileManager.default.copyItem(atPath: Self.rules, toPath: rules.path)
        let bad = rules.appendingPathComponent("library/linux/broken.yml").path
        try """
            title: Broken rule
            id: 5d0f0c1e-0000-4000-8000-00000000b0b0
            logsource: {product: linux, service: sshd}
            detection:
                selection:
                    message|nosuchmodifier: x
                condition: selection
            level: high
            """.write(toFile: bad, atomically: true, encoding: .utf8)
        let path = try Self.writeConfig(dir, listeners: [("syslog", Ports.free())], httpPort: Ports.free(), rules: rules.path)
        let report = await Self.doctor(path, options: DoctorOptions(fixtures: { _ in FixtureSummary(total: 0) }))
        #expect(report.failed)
        let failures = report.findings(of: "rules").filter { $0.status == .fail }
        #expect(failures.contains { $0.message.hasPrefix("\(bad):6:") }, "\(report.findings(of: "rules").map(\.line))")
        #expect(failures.allSatisfy { $0.fix?.contains("vigil rules check --rules \(rules.path)") == true })
    }

    @Test func listenerCustomerWithoutPlaybookWarns() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = try Self.writeConfig(dir, listeners: [("collectors", Ports.free())], httpPort: Ports.free())
        let text = try String(contentsOfFile: path, encoding: .utf8).replacingOccurrences(of: "customer: bank-nord", with: "customer: kiosk")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let report = await Self.doctor(path, options: DoctorOptions(fixtures: { _ in FixtureSummary(total: 0) }))
        #expect(report.findings(of: "rules").contains {
            $0.line == "WARN  listener collectors receives events of customer kiosk, which has no playbook in \(Self.rules)/customers: no rules run for them"
                + " — add \(Self.rules)/customers/kiosk.yml, or correct the customer in the listener"
        }, "\(report.findings(of: "rules").map(\.line))")
        #expect(!report.failed)
    }

    @Test func failingFixturesFail() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = try Self.writeConfig(dir, listeners: [("syslog", Ports.free())], httpPort: Ports.free())
        let report = await Self.doctor(path, options: DoctorOptions(fixtures: { _ in FixtureSummary(total: 4, failed: ["library/x.yml [brute]"]) }))
        #expect(report.findings(of: "rules").last?.line
                == "FAIL  rule fixtures: 1 of 4 failed: library/x.yml [brute] — see the diff with `vigil rules test --rules \(Self.rules)`")
    }

    @Test func jsonLinesCarryCheckStatusMessageAndFix() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let held = try HeldPort()
        defer { held.close() }
        let path = try Self.writeConfig(dir, listeners: [("syslog", held.port)], httpPort: Ports.free())
        let report = await Self.doctor(path)
        let objects = try report.jsonLines.split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        #expect(objects.count == report.findings.count)
        #expect(objects.allSatisfy { Set($0.keys) == ["check", "status", "message", "fix"] })
        let port = try #require(objects.first { $0["check"] as? String == "ports" })
        #expect(port["status"] as? String == "fail")
        #expect(port["message"] as? String == "listener syslog 127.0.0.1:\(held.port): port in use (by another process)")
        #expect(port["fix"] as? String == "stop it or pick another port")
        #expect(objects.first?["fix"] is NSNull)
    }
}

extension DoctorTests {
    /// Anna covers weekdays only; the policy pages her schedule first.
    static func onCallYAML(customers: String, tail: String) -> String {
        """
        version: 1
        people:
          - {id: anna, name: Anna Becker, time_zone: Europe/Berlin, contacts: [{webhook: "http://127.0.0.1:9/anna"}]}
        schedules:
          - id: weekdays
            time_zone: Europe/Berlin
            rules: [{person: anna, days: mon-fri}]
          - id: always
            time_zone: Europe/Berlin
            rules: [{person: anna}]
        policies:
          - id: office
            steps:
              - {name: L1, targets: [{schedule: weekdays}], delay: 5m}
          - id: round-the-clock
            steps:
              - {name: L1, targets: [{schedule: always}], delay: 5m}
        customers:
        \(customers)
        \(tail)
        """
    }

    static func onCallConfig(_ dir: URL, _ yaml: String) throws -> String {
        try yaml.write(to: dir.appendingPathComponent("oncall.yml"), atomically: true, encoding: .utf8)
        return try writeConfig(dir, listeners: [("syslog", Ports.free())], httpPort: Ports.free(), database: "embedded", extra: "oncall: oncall.yml")
    }

    @Test func weekdayOnlyScheduleGivesTheWeekendGapsInTheCustomersZone() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let customers = """
              - {id: bank-nord, time_zone: Europe/Berlin}
              - {id: leasing-west, time_zone: Europe/Berlin}
              - {id: factory-sued, time_zone: Europe/Berlin}
            """
        let path = try Self.onCallConfig(dir, Self.onCallYAML(customers: customers, tail: "default_policy: office"))
        let file = dir.appendingPathComponent("oncall.yml").path
        let fix = " — cover it in \(file) (a schedule rule, a rotation or an override)"
        let who = "on-call: policy office step 1 (L1) for bank-nord, leasing-west, factory-sued: nobody on call"

        // Wednesday 2026-11-18 11:00 in Berlin, 14 days ahead: two weekends.
        let report = await Self.doctor(path, clock: ManualClock(DoctorTests.at("2026-11-18T10:00:00Z")))
        #expect(report.findings(of: "oncall").map(\.line) == [
            "ok    on-call: 3 customers with an escalation policy (default_policy office)",
            "FAIL  \(who) from Sat 2026-11-21 00:00 to Mon 2026-11-23 00:00 Europe/Berlin (2d)\(fix)",
            "FAIL  \(who) from Sat 2026-11-28 00:00 to Mon 2026-11-30 00:00 Europe/Berlin (2d)\(fix)",
        ])
        #expect(report.failed)

        // On a Saturday the gap starts now; with --days 1 there is only that one.
        let saturday = await Self.doctor(path, clock: ManualClock(DoctorTests.at("2026-11-21T09:30:00Z")), options: DoctorOptions(onCallDays: 1))
        #expect(saturday.findings(of: "oncall").filter { $0.status == .fail }.map(\.line) == [
            "FAIL  \(who) now, from Sat 2026-11-21 10:30 to Sun 2026-11-22 10:30 Europe/Berlin (1d)\(fix)",
        ])

        // Round the clock: no gap.
        _ = try Self.onCallConfig(dir, Self.onCallYAML(customers: customers, tail: "default_policy: round-the-clock"))
        let covered = await Self.doctor(path, clock: ManualClock(DoctorTests.at("2026-11-18T10:00:00Z")))
        let onCall = covered.findings(of: "oncall")
        #expect(!onCall.contains { $0.status == .fail }, "\(onCall.map(\.line))")
        // The office policy is left unused: its gaps are only warnings.
        #expect(onCall.count { $0.status == .warn } == 2)
        #expect(onCall.filter { $0.status == .warn }.allSatisfy { $0.message.hasPrefix("on-call: policy office step 1 (L1) (no customer uses this policy): nobody on call from Fri ")
            && $0.message.hasSuffix(" 23:00 UTC (2d)") })
    }

    @Test func customersMissingFromThePlaybooksOrTheOnCallFileAreFlagged() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let customers = """
              - {id: bank-nord, time_zone: Europe/Berlin, policy: office}
              - {id: kiosk, time_zone: Europe/Berlin}
            """
        let path = try Self.onCallConfig(dir, Self.onCallYAML(customers: customers, tail: "default_policy: round-the-clock"))
        let file = dir.appendingPathComponent("oncall.yml").path
        let report = await Self.doctor(path, clock: ManualClock(DoctorTests.at("2026-11-18T10:00:00Z")))
        let lines = report.findings(of: "oncall").map(\.line)
        for customer in ["factory-sued", "leasing-west"] {
            #expect(lines.contains("WARN  customer \(customer) has a playbook but no entry in the on-call file \(file) (no service manager; pages use UTC) — add it under customers: in \(file)"), "\(lines)")
        }
        #expect(lines.contains("WARN  customer kiosk is in the on-call file \(file) but has no playbook in rules/customers — add rules/customers/kiosk.yml, or remove the entry (or correct the id)"))
        #expect(lines.contains("ok    on-call: 4 customers with an escalation policy (default_policy round-the-clock)"))
        // bank-nord uses the weekday policy: its weekends are gaps, in its zone.
        #expect(lines.contains { $0.hasPrefix("FAIL  on-call: policy office step 1 (L1) for bank-nord: nobody on call from Sat 2026-11-21 00:00 to Mon 2026-11-23 00:00 Europe/Berlin (2d)") })
    }

    /// The loader insists on default_policy; the coverage still names customers a file without one would leave out.
    @Test func customersWithoutAPolicyForEveryIncidentFail() throws {
        let policy = EscalationPolicy(id: "p", steps: [EscalationStep(targets: [.person("anna")], delay: .minutes(5))])
        let config = OnCallConfig(
            people: [Person(id: "anna", name: "Anna", timeZone: "Europe/Berlin", contacts: [])], policies: [policy],
            customers: [CustomerOnCall(id: "bank-nord", policy: "p"), CustomerOnCall(id: "leasing-west")],
            routes: [Route(match: IncidentMatch(priorities: [.p1]), policy: "p"), Route(match: IncidentMatch(customers: ["werk-sued"]), policy: "p")])
        let coverage = OnCallCoverage(config: config, file: "oncall.yml", playbookCustomers: ["werk-sued": .utc, "bank-nord": .utc, "kiosk": .utc])
        #expect(coverage.policies().map(\.line) == [
            "FAIL  customer kiosk has an escalation policy only for some incidents (route 1 → p); the others page nobody"
                + " — give it policy: under customers: in oncall.yml, add a route for it, or set default_policy",
            "FAIL  customer leasing-west has an escalation policy only for some incidents (route 1 → p); the others page nobody"
                + " — give it policy: under customers: in oncall.yml, add a route for it, or set default_policy",
        ])
        let noRoutes = OnCallCoverage(config: OnCallConfig(policies: [policy], customers: [CustomerOnCall(id: "leasing-west")]),
                                      file: "oncall.yml", playbookCustomers: nil)
        #expect(noRoutes.policies().map(\.line) == [
            "FAIL  customer leasing-west has no escalation policy: its incidents page nobody"
                + " — give it policy: under customers: in oncall.yml, add a route for it, or set default_policy",
        ])
    }
}

/// A test-owned TCP listener on a free port, standing in for "another process".
final class HeldPort: Sendable {
    let fd: Int32
    let port: Int

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        guard bound == 0, listen(fd, 4) == 0 else { throw TestSupportError("cannot hold a port: errno \(errno)") }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        self.fd = fd
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    func close() { _ = Glibc.close(fd) }
}

/// The real probes, except that a Vigil answers on the HTTP port.
struct VigilAnswers: DoctorProbes {
    let real = SystemProbes()
    var environment: [String: String] { real.environment }
    func pathStatus(_ path: String) -> PathStatus { real.pathStatus(path) }
    func bind(address: String, port: Int) -> BindResult { real.bind(address: address, port: port) }
    func isVigil(httpAddress: String, port: Int) async -> Bool { true }
    func embeddedServer(stateDirectory: String) -> EmbeddedServerState { real.embeddedServer(stateDirectory: stateDirectory) }
    func postgresBinaries() -> Result<PostgresBinaries, EmbeddedPostgresError> { real.postgresBinaries() }
    func unprivilegedAccountExists(_ name: String) -> Bool? { real.unprivilegedAccountExists(name) }
    func migrationStatus(_ configuration: PostgresConnection.Configuration, timeout: Duration) async throws -> Migrator.Status {
        try await real.migrationStatus(configuration, timeout: timeout)
    }
    func migrationStatusStartingEmbedded(stateDirectory: String, port: Int?) async throws -> Migrator.Status {
        try await real.migrationStatusStartingEmbedded(stateDirectory: stateDirectory, port: port)
    }
}

/// Self-signed certificates made by the openssl command line, with their validity read back.
enum OpenSSL {
    struct Made {
        var certificate: String
        var key: String
        var notBefore: Timestamp
        var notAfter: Timestamp
    }

    static func selfSigned(in dir: URL, name: String, days: Int = 30) async throws -> Made {
        let cert = dir.appendingPathComponent("\(name).pem").path
        let key = dir.appendingPathComponent("\(name).key").path
        let made = try await run("/usr/bin/openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                                                "-subj", "/CN=localhost", "-days", "\(days)", "-keyout", key, "-out", cert])
        guard made.status == 0 else { throw TestSupportError("openssl req failed: \(made.output)") }
        let dates = try await run("/usr/bin/openssl", ["x509", "-in", cert, "-noout", "-startdate", "-enddate", "-dateopt", "iso_8601"])
        func date(_ key: String) throws -> Timestamp {
            let line = dates.output.split(separator: "\n").first { $0.hasPrefix(key + "=") }.map { String($0.dropFirst(key.count + 1)) }
            guard let line, let t = Timestamp(rfc3339: line.replacingOccurrences(of: " ", with: "T")) else {
                throw TestSupportError("cannot read \(key) from: \(dates.output)")
            }
            return t
        }
        return Made(certificate: cert, key: key, notBefore: try date("notBefore"), notAfter: try date("notAfter"))
    }
}

