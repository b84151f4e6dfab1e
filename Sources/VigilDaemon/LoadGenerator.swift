import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Synchronization

/// Sends a file's lines over N TCP connections as fast as the receiver takes them.
public struct LoadGenerator: Sendable {
    public enum Framing: String, Sendable { case lf, octet }

    public struct Report: Sendable {
        public var messages: Int
        public var bytes: Int
        public var seconds: Double
        /// Messages the receiver reported as parsed (from /metrics), when a metrics URL was given.
        public var confirmed: Int?
        public var messagesPerSecond: Double { Double(messages) / max(seconds, 1e-9) }
    }

    public var host: String
    public var port: Int
    public var connections: Int
    public var framing: Framing
    public var repeatCount: Int
    public var metricsURL: URL?

    public init(host: String, port: Int, connections: Int, framing: Framing, repeatCount: Int, metricsURL: URL?) {
        self.host = host
        self.port = port
        self.connections = connections
        self.framing = framing
        self.repeatCount = repeatCount
        self.metricsURL = metricsURL
    }

    /// Frames every line once, then each connection sends its share `repeatCount` times.
    public func run(lines: [String]) async throws -> Report {
        var frame: [UInt8] = []
        for line in lines where !line.isEmpty {
            switch framing {
            case .lf: frame += Array(line.utf8) + [0x0A]
            case .octet: frame += Array("\(line.utf8.count) ".utf8) + Array(line.utf8)
            }
        }
        let perConnection = lines.filter { !$0.isEmpty }.count * repeatCount
        let total = perConnection * connections
        var before: Int?
        if let metricsURL { before = try await Self.parsedTotal(metricsURL) }
        let clock = ContinuousClock()
        let start = clock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<connections {
                let payload = frame
                group.addTask { [host, port, repeatCount] in
                    try await Task.detached { try Self.send(payload, times: repeatCount, host: host, port: port) }.value
                }
            }
            try await group.waitForAll()
        }
        var confirmed: Int?
        if let metricsURL, let before {
            while true {
                let now = try await Self.parsedTotal(metricsURL)
                confirmed = now - before
                if now - before >= total { break }
                try await Task.sleep(for: .milliseconds(10))
                if clock.now - start > .seconds(600) { break }
            }
        }
        let elapsed = clock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return Report(messages: total, bytes: frame.count * repeatCount * connections, seconds: seconds, confirmed: confirmed)
    }

    static func send(_ payload: [UInt8], times: Int, host: String, port: Int) throws {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &result) == 0, let info = result else {
            throw LoadGeneratorError(message: "cannot resolve \(host)")
        }
        defer { freeaddrinfo(result) }
        let fd = socket(info.pointee.ai_family, info.pointee.ai_socktype, info.pointee.ai_protocol)
        guard fd >= 0 else { throw LoadGeneratorError(message: "socket: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        guard connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 else {
            throw LoadGeneratorError(message: "connect to \(host):\(port): \(String(cString: strerror(errno)))")
        }
        try payload.withUnsafeBytes { buffer in
            for _ in 0..<times {
                var offset = 0
                while offset < buffer.count {
                    let n = write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                    if n < 0 {
                        if errno == EINTR { continue }
                        throw LoadGeneratorError(message: "write: \(String(cString: strerror(errno)))")
                    }
                    offset += n
                }
            }
        }
    }

    /// The sum of `vigil_ingest_parsed_total` over all label sets.
    static func parsedTotal(_ url: URL) async throws -> Int {
        let (data, _) = try await URLSession.shared.data(from: url)
        var sum = 0.0
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") where line.hasPrefix("vigil_ingest_parsed_total") {
            if let value = line.split(separator: " ").last.flatMap({ Double($0) }) { sum += value }
        }
        return Int(sum)
    }
}

public struct LoadGeneratorError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
