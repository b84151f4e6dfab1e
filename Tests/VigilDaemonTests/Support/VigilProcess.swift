import Foundation
import Synchronization

/// Runs the real `vigil` binary as a child process and reads its output lines.
final class VigilProcess: Sendable {
    let process: Process
    private let stdoutLines = Mutex<[String]>([])
    private let stderrText = Mutex<String>("")
    private let pending = Mutex<Data>(Data())
    private let exitInstant = Mutex<ContinuousClock.Instant?>(nil)

    /// The `vigil` executable built next to the test bundle (or `VIGIL_BINARY`).
    static var binary: String {
        if let override = ProcessInfo.processInfo.environment["VIGIL_BINARY"] { return override }
        let testBinary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var dir = testBinary.deletingLastPathComponent()
        if dir.lastPathComponent.hasSuffix(".xctest") || testBinary.pathExtension == "xctest" && dir.lastPathComponent == "Contents" {
            dir = dir.deletingLastPathComponent()
        }
        return dir.appendingPathComponent("vigil").path
    }

    init(arguments: [String], environment: [String: String] = [:]) throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: VigilProcess.binary)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        out.fileHandleForReading.readabilityHandler = { [self] handle in
            let data = handle.availableData
            pending.withLock { buffer in
                buffer.append(data)
                while let nl = buffer.firstIndex(of: 0x0A) {
                    let line = String(decoding: buffer[buffer.startIndex..<nl], as: UTF8.self)
                    buffer.removeSubrange(buffer.startIndex...nl)
                    stdoutLines.withLock { $0.append(line) }
                }
            }
        }
        err.fileHandleForReading.readabilityHandler = { [self] handle in
            let text = String(decoding: handle.availableData, as: UTF8.self)
            stderrText.withLock { $0 += text }
        }
        process.terminationHandler = { [weak self] _ in self?.exitInstant.withLock { $0 = .now } }
        try process.run()
    }

    /// When the process exited, as seen by Foundation's monitor thread (not by a test task that may wait its turn).
    var exitedAt: ContinuousClock.Instant? { exitInstant.withLock { $0 } }

    var output: [String] { stdoutLines.withLock { $0 } }
    var errorOutput: String { stderrText.withLock { $0 } }

    /// Waits until `condition` holds on the output lines (polling; `seconds` is only a safety net).
    func waitForOutput(within seconds: Double = 20, _ condition: ([String]) -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while ContinuousClock.now < deadline {
            if condition(output) { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return condition(output)
    }

    func waitForStderr(within seconds: Double = 20, containing text: String) async -> Bool {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while ContinuousClock.now < deadline {
            if errorOutput.contains(text) { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return errorOutput.contains(text)
    }

    func signal(_ signal: Int32) { kill(process.processIdentifier, signal) }

    /// Waits for exit; nil if it did not exit within `seconds`.
    func waitForExit(within seconds: Double) async -> Int32? {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while ContinuousClock.now < deadline {
            if !process.isRunning { return process.terminationStatus }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return process.isRunning ? nil : process.terminationStatus
    }

    func terminate() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }
}

enum Ports {
    /// A TCP port that was free a moment ago on 127.0.0.1.
    static func free() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        return Int(UInt16(bigEndian: addr.sin_port))
    }

    /// Waits until something accepts connections on `port`.
    static func waitUntilListening(_ port: Int, within seconds: Double = 30) async -> Bool {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while ContinuousClock.now < deadline {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var addr = sockaddr_in()
            addr.sin_family = sa_family_t(AF_INET)
            addr.sin_addr.s_addr = inet_addr("127.0.0.1")
            addr.sin_port = UInt16(port).bigEndian
            let ok = withUnsafePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            } == 0
            close(fd)
            if ok { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return false
    }
}

/// Runs a command to completion and returns its exit status and output.
///
/// The wait happens on a thread of its own: blocking a test's task would starve the small cooperative pool
/// that every other test (and its timing checks) shares.
@discardableResult
func run(_ executable: String, _ arguments: [String], input: Data? = nil) async throws -> (status: Int32, output: String) {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
            let out = Pipe()
            process.standardOutput = out
            process.standardError = out
            let inputPipe = Pipe()
            if input != nil { process.standardInput = inputPipe }
            do {
                try process.run()
            } catch {
                continuation.resume(throwing: error)
                return
            }
            if let input {
                inputPipe.fileHandleForWriting.write(input)
                try? inputPipe.fileHandleForWriting.close()
            }
            let data = out.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            continuation.resume(returning: (process.terminationStatus, String(decoding: data, as: UTF8.self)))
        }
    }
}

/// A fresh temporary directory.
func temporaryDirectory(_ prefix: String = "vigil-test") throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}
