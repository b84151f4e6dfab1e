import Foundation

/// The real rsyslog and syslog-ng, unpacked by deploy/test-tools.sh into .build-tools/.
enum SenderTools {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static let tools = packageRoot.appendingPathComponent(".build-tools")
    static let deploy = packageRoot.appendingPathComponent("deploy")

    static var rsyslogRoot: URL { tools.appendingPathComponent("rsyslog") }
    static var syslogNgRoot: URL { tools.appendingPathComponent("syslog-ng") }

    static func require(_ path: URL) throws {
        guard FileManager.default.fileExists(atPath: path.path) else {
            throw SenderToolsMissing(path: path.path)
        }
    }

    struct SenderToolsMissing: Error, CustomStringConvertible {
        let path: String
        var description: String { "\(path) is missing: run deploy/test-tools.sh (the README's test command does)" }
    }

    /// Starts rsyslogd in the foreground with `config`; the caller terminates it.
    static func rsyslog(config: String, directory: URL, environment: [String: String]) throws -> Process {
        let root = rsyslogRoot
        let binary = root.appendingPathComponent("usr/sbin/rsyslogd")
        try require(binary)
        let configPath = directory.appendingPathComponent("rsyslog.conf").path
        try config.write(toFile: configPath, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = binary
        process.arguments = ["-n", "-f", configPath, "-i", directory.appendingPathComponent("rsyslog.pid").path,
                             "-M", root.appendingPathComponent("usr/lib/x86_64-linux-gnu/rsyslog").path]
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
            .merging(["LD_LIBRARY_PATH": root.appendingPathComponent("usr/lib/x86_64-linux-gnu").path]) { _, new in new }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: touch(directory.appendingPathComponent("rsyslog.err")))
        try process.run()
        return process
    }

    /// Starts syslog-ng in the foreground with `config`.
    static func syslogNg(config: String, directory: URL, environment: [String: String]) throws -> Process {
        let root = syslogNgRoot
        let binary = root.appendingPathComponent("usr/sbin/syslog-ng")
        try require(binary)
        let configPath = directory.appendingPathComponent("syslog-ng.conf").path
        try config.write(toFile: configPath, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = binary
        process.arguments = ["-F", "-f", configPath,
                             "--module-path=" + root.appendingPathComponent("usr/lib/syslog-ng/3.38").path,
                             "--persist-file=" + directory.appendingPathComponent("syslog-ng.persist").path,
                             "--pidfile=" + directory.appendingPathComponent("syslog-ng.pid").path,
                             "--control=" + directory.appendingPathComponent("syslog-ng.ctl").path]
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
            .merging(["LD_LIBRARY_PATH": root.appendingPathComponent("usr/lib/syslog-ng").path]) { _, new in new }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: touch(directory.appendingPathComponent("syslog-ng.err")))
        try process.run()
        return process
    }

    static func touch(_ url: URL) -> URL {
        FileManager.default.createFile(atPath: url.path, contents: nil)
        return url
    }

    /// Sends `lines` to a TCP port (newline-terminated).
    static func sendLines(_ lines: [String], port: Int) async throws {
        guard await Ports.waitUntilListening(port) else { throw SenderToolsMissing(path: "nothing listens on \(port)") }
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = UInt16(port).bigEndian
        _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        let data = Array(lines.map { $0 + "\n" }.joined().utf8)
        _ = data.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    }
}
