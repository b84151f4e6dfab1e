import Foundation
import Testing

/// `vigil serve` as a real process, with real senders.
@Suite(.serialized) struct ServeIntegrationTests {
    struct Daemon {
        let process: VigilProcess
        let directory: URL
        let configPath: String
        let syslogPort: Int
        let httpPort: Int
    }

    static func config(syslogPort: Int, httpPort: Int, extraListener: String = "") -> String {
        """
        state_dir: state
        database: none
        rules: \(SenderTools.packageRoot.appendingPathComponent("rules").path)
        log:
          level: info
        http:
          address: 127.0.0.1
          port: \(httpPort)
        listeners:
          - name: syslog
            address: 127.0.0.1
            port: \(syslogPort)
            protocol: auto
            customer: bank-nord
        \(extraListener)
        """
    }

    func start(_ arguments: [String] = ["--print-events"]) async throws -> Daemon {
        let dir = try temporaryDirectory()
        let syslogPort = Ports.free()
        let httpPort = Ports.free()
        let path = dir.appendingPathComponent("vigil.yml").path
        try Self.config(syslogPort: syslogPort, httpPort: httpPort).write(toFile: path, atomically: true, encoding: .utf8)
        let process = try VigilProcess(arguments: ["serve", "--config", path] + arguments)
        let up = await Ports.waitUntilListening(syslogPort)
        #expect(up, "vigil did not start listening: \(process.errorOutput)")
        #expect(await process.waitForStderr(containing: " ready"), "\(process.errorOutput)")
        return Daemon(process: process, directory: dir, configPath: path, syslogPort: syslogPort, httpPort: httpPort)
    }

    @Test func loggerOverTCPNewlineAndOctetCounted() async throws {
        let daemon = try await start()
        defer { daemon.process.terminate() }
        let message = "Failed password for root from 203.0.113.7 port 4242 ssh2"
        try await run("/usr/bin/logger", ["--tcp", "--octet-count", "--rfc5424", "-n", "127.0.0.1", "-P", "\(daemon.syslogPort)", "-t", "sshd", message])
        try await run("/usr/bin/logger", ["--tcp", "--rfc3164", "-n", "127.0.0.1", "-P", "\(daemon.syslogPort)", "-t", "sshd", message])
        let got = await daemon.process.waitForOutput { $0.count >= 2 }
        #expect(got, "stdout: \(daemon.process.output) stderr: \(daemon.process.errorOutput)")
        let events = try daemon.process.output.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        #expect(events.count == 2)
        for event in events {
            // The issue's acceptance line: user, source, outcome and program are extracted.
            let fields = event["fields"] as? [String: Any]
            #expect(event["customer"] as? String == "bank-nord")
            #expect((event["raw"] as? String)?.contains(message) == true)
            #expect(fields?["user.name"] as? String == "root")
            #expect(fields?["source.ip"] as? String == "203.0.113.7")
            #expect(fields?["source.port"] as? Int == 4242)
            #expect(fields?["event.outcome"] as? String == "failure")
            #expect(fields?["process.name"] as? String == "sshd")
        }
    }

    @Test func sigtermStopsWithinFiveSecondsWithIdleSendersConnected() async throws {
        let daemon = try await start([])
        defer { daemon.process.terminate() }
        var sockets: [Int32] = []
        for _ in 0..<5 {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var addr = sockaddr_in()
            addr.sin_family = sa_family_t(AF_INET)
            addr.sin_addr.s_addr = inet_addr("127.0.0.1")
            addr.sin_port = UInt16(daemon.syslogPort).bigEndian
            let rc = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
            #expect(rc == 0)
            sockets.append(fd)
        }
        defer { sockets.forEach { close($0) } }
        try await Task.sleep(for: .milliseconds(200))
        let clock = ContinuousClock()
        let start = clock.now
        daemon.process.signal(SIGTERM)
        let status = await daemon.process.waitForExit(within: 10)
        #expect(status == 0, "stderr: \(daemon.process.errorOutput)")
        let exited = try #require(daemon.process.exitedAt)
        #expect(exited - start < .seconds(5), "stderr: \(daemon.process.errorOutput)")
    }

    @Test func sighupReloadsAndABadFileKeepsTheRunningConfiguration() async throws {
        let daemon = try await start()
        defer { daemon.process.terminate() }
        // Add a second listener.
        let secondPort = Ports.free()
        let extra = """
          - name: json
            address: 127.0.0.1
            port: \(secondPort)
            protocol: json
            customer: leasing-west
        """
        try Self.config(syslogPort: daemon.syslogPort, httpPort: daemon.httpPort, extraListener: extra)
            .write(toFile: daemon.configPath, atomically: true, encoding: .utf8)
        daemon.process.signal(SIGHUP)
        #expect(await Ports.waitUntilListening(secondPort, within: 10))
        #expect(await daemon.process.waitForStderr(containing: "configuration reloaded"))

        // A broken file: the error names file, line and column; both listeners keep running.
        try "listeners:\n  - name: broken\n    port: [unclosed\n".write(toFile: daemon.configPath, atomically: true, encoding: .utf8)
        daemon.process.signal(SIGHUP)
        #expect(await daemon.process.waitForStderr(containing: "\(daemon.configPath):4:1: error"))
        #expect(await Ports.waitUntilListening(daemon.syslogPort, within: 2))
        #expect(await Ports.waitUntilListening(secondPort, within: 2))
        try await run("/usr/bin/logger", ["--tcp", "-n", "127.0.0.1", "-P", "\(daemon.syslogPort)", "-t", "app", "still alive"])
        #expect(await daemon.process.waitForOutput { $0.contains { $0.contains("still alive") } })

        // `vigil reload` reports the same errors and exits 1 …
        let rejected = try await run(VigilProcess.binary, ["reload", "--config", daemon.configPath])
        #expect(rejected.status != 0)
        // … its own config is broken too, so it can't find the daemon; use a copy of the good file to reach it.
        let good = daemon.directory.appendingPathComponent("good.yml").path
        try Self.config(syslogPort: daemon.syslogPort, httpPort: daemon.httpPort).write(toFile: good, atomically: true, encoding: .utf8)
        try Self.config(syslogPort: daemon.syslogPort, httpPort: daemon.httpPort).write(toFile: daemon.configPath, atomically: true, encoding: .utf8)
        let applied = try await run(VigilProcess.binary, ["reload", "--config", good])
        #expect(applied.status == 0, "\(applied.output)")
        #expect(applied.output.contains("configuration reloaded"))
        try "listeners: 3\n".write(toFile: daemon.configPath, atomically: true, encoding: .utf8)
        let refused = try await run(VigilProcess.binary, ["reload", "--config", good])
        #expect(refused.status == 1)
        #expect(refused.output.contains("\(daemon.configPath):1:12: error: expected a list"))
    }

    @Test func notifiesSystemdReadyAndStopping() async throws {
        let dir = try temporaryDirectory()
        let socketPath = dir.appendingPathComponent("notify.sock").path
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(socketPath.utf8)) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        #expect(bound == 0)
        var timeout = timeval(tv_sec: 20, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let syslogPort = Ports.free()
        let path = dir.appendingPathComponent("vigil.yml").path
        try Self.config(syslogPort: syslogPort, httpPort: Ports.free()).write(toFile: path, atomically: true, encoding: .utf8)
        let process = try VigilProcess(arguments: ["serve", "--config", path], environment: ["NOTIFY_SOCKET": socketPath])
        defer { process.terminate() }
        // A blocking recv on a thread of its own, so the shared cooperative pool keeps serving other tests.
        func receive() async -> String {
            await withCheckedContinuation { continuation in
                Thread.detachNewThread {
                    var buffer = [UInt8](repeating: 0, count: 4096)
                    let n = recv(fd, &buffer, buffer.count, 0)
                    continuation.resume(returning: n > 0 ? String(decoding: buffer[..<n], as: UTF8.self) : "")
                }
            }
        }
        let ready = await receive()
        #expect(ready.contains("READY=1"), "got '\(ready)'; stderr: \(process.errorOutput)")
        #expect(await Ports.waitUntilListening(syslogPort, within: 1))
        process.signal(SIGHUP)
        #expect(await receive().contains("RELOADING=1"))
        #expect(await receive().contains("READY=1"))
        process.signal(SIGTERM)
        #expect(await receive().contains("STOPPING=1"))
        #expect(await process.waitForExit(within: 10) == 0)
    }

    @Test func invalidConfigurationFailsWithPositions() async throws {
        let dir = try temporaryDirectory()
        let path = dir.appendingPathComponent("bad.yml").path
        try """
        listeners:
          - name: a
            address: 127.0.0.1
            port: 70000
            protocol: smoke-signals
            customer: bank-nord
            adress: typo
        """.write(toFile: path, atomically: true, encoding: .utf8)
        let result = try await run(VigilProcess.binary, ["serve", "--config", path])
        #expect(result.status == 2)
        #expect(result.output.contains("\(path):4:11: error: port 70000 is outside 0-65535"))
        #expect(result.output.contains("\(path):5:15: error: unknown protocol 'smoke-signals'"))
        #expect(result.output.contains("\(path):7:5: error: unknown key 'adress' (did you mean 'address'?)"))
    }
}
