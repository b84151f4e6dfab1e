import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A one-connection TCP listener on 127.0.0.1 that records every byte a client sends until it closes.
/// Test-only: lets a real `logger` show the exact bytes it puts on the wire.
final class LoopbackCapture: @unchecked Sendable {
    let port: Int
    private let listener: Int32
    private let done = DispatchSemaphore(value: 0)
    private var received: [UInt8] = []

    init() throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard listener >= 0 else { throw CaptureError.socket }
        self.listener = listener
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(listener, 1) == 0 else { throw CaptureError.socket }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        port = Int(UInt16(bigEndian: address.sin_port))
        start()
    }

    private func start() {
        Thread.detachNewThread { [self] in
            self.acceptAndRead()
            self.done.signal()
        }
    }

    enum CaptureError: Error { case socket, timeout }

    private func acceptAndRead() {
        var pfd = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
        guard poll(&pfd, 1, 10_000) == 1 else { return }
        let client = accept(listener, nil, nil)
        guard client >= 0 else { return }
        defer { close(client) }
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            var cpfd = pollfd(fd: client, events: Int16(POLLIN), revents: 0)
            guard poll(&cpfd, 1, 10_000) == 1 else { return }
            let n = buffer.withUnsafeMutableBytes { recv(client, $0.baseAddress, $0.count, 0) }
            if n <= 0 { return }
            received.append(contentsOf: buffer[0..<n])
        }
    }

    /// Waits for the client to close and returns what it sent.
    func bytes() throws -> [UInt8] {
        guard done.wait(timeout: .now() + 15) == .success else { throw CaptureError.timeout }
        close(listener)
        return received
    }
}
