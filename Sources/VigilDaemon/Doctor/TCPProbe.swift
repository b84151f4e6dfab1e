import Foundation

/// Plain-socket probes for `vigil doctor`: can a port be bound, and does an HTTP endpoint answer `/healthz` like Vigil.
enum TCPProbe {
    /// Binds and listens on `address:port` for a moment (with SO_REUSEADDR, as the daemon does), then closes.
    static func bind(address: String, port: Int) -> BindResult {
        guard let info = resolve(address, port: port, passive: true) else { return .failed("cannot resolve address \(address)") }
        defer { freeaddrinfo(info) }
        let fd = socket(info.pointee.ai_family, info.pointee.ai_socktype, info.pointee.ai_protocol)
        guard fd >= 0 else { return .failed("socket() failed: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var one: Int32 = 1
        _ = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        if Foundation.bind(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) != 0 || listen(fd, 1) != 0 {
            switch errno {
            case EADDRINUSE: return .inUse
            case EACCES, EPERM: return .permissionDenied
            case EADDRNOTAVAIL: return .addressUnavailable
            default: return .failed(String(cString: strerror(errno)))
            }
        }
        return .free
    }

    /// True when `GET /healthz` on the endpoint answers 200 from a server calling itself vigil (or with Vigil's `ok` body).
    static func answersLikeVigil(address: String, port: Int, timeoutSeconds: Int = 2) -> Bool {
        let host = address == "0.0.0.0" || address.isEmpty ? "127.0.0.1" : address == "::" ? "::1" : address
        guard let response = get(host: host, port: port, path: "/healthz", timeoutSeconds: timeoutSeconds) else { return false }
        let lines = response.split(separator: "\r\n", omittingEmptySubsequences: false)
        guard let status = lines.first, status.hasPrefix("HTTP/1.") && status.contains(" 200") else { return false }
        let server = lines.contains { $0.lowercased().hasPrefix("server:") && $0.lowercased().contains("vigil") }
        let body = response.components(separatedBy: "\r\n\r\n").dropFirst().joined()
        return server || body == "ok\n"
    }

    /// A minimal HTTP/1.1 GET with `Connection: close`; the raw response, or nil when nothing answered in time.
    static func get(host: String, port: Int, path: String, timeoutSeconds: Int) -> String? {
        guard let info = resolve(host, port: port, passive: false) else { return nil }
        defer { freeaddrinfo(info) }
        let fd = socket(info.pointee.ai_family, info.pointee.ai_socktype, info.pointee.ai_protocol)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        _ = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        _ = setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        guard connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 else { return nil }
        let hostHeader = host.contains(":") ? "[\(host)]" : host
        let request = Array("GET \(path) HTTP/1.1\r\nHost: \(hostHeader):\(port)\r\nUser-Agent: vigil-doctor\r\nConnection: close\r\n\r\n".utf8)
        guard request.withUnsafeBytes({ send(fd, $0.baseAddress, $0.count, 0) }) == request.count else { return nil }
        var response: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while response.count < 65536 {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            response.append(contentsOf: buffer[0..<n])
        }
        return response.isEmpty ? nil : String(decoding: response, as: UTF8.self)
    }

    private static func resolve(_ host: String, port: Int, passive: Bool) -> UnsafeMutablePointer<addrinfo>? {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_NUMERICSERV | (passive ? AI_PASSIVE : 0)
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host.isEmpty ? nil : host, String(port), &hints, &result) == 0, let result else { return nil }
        return result
    }
}
