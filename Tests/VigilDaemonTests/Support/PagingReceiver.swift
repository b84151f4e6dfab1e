import Foundation
import NIOCore
import VigilTestSupport

/// A webhook provider on 127.0.0.1 for the daemon's paging tests (a ``TestHTTPReceiver`` answering `{}`). Like a real
/// provider that honours `Idempotency-Key`, it accepts a key once: a repeat gets the same answer and is counted as a
/// duplicate, not a page. Answers can be delayed, so pages are in flight when the test kills the daemon.
final class PagingReceiver: Sendable {
    struct Received: Sendable {
        var path: String
        var key: String
        var body: [UInt8]
        var json: [String: Any]? { try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] }
    }

    let delay: TimeAmount
    private let server: TestHTTPReceiver

    var port: Int { server.port }
    var baseURL: String { server.baseURL }
    /// Every request, repeats included.
    var requests: [Received] {
        server.requests.map { Received(path: $0.uri, key: $0.headers.first(name: "Idempotency-Key") ?? "", body: $0.body) }
    }
    /// The pages, one per idempotency key, in order of first arrival.
    var pages: [Received] {
        var seen: Set<String> = []
        return requests.filter { seen.insert($0.key).inserted }
    }
    var keys: Set<String> { Set(requests.map(\.key)) }

    private init(server: TestHTTPReceiver, delay: TimeAmount) {
        self.server = server
        self.delay = delay
    }

    static func start(delay: TimeAmount = .zero) async throws -> PagingReceiver {
        let server = try await TestHTTPReceiver.start { _, _ in TestHTTPReceiver.Response(body: "{}", delay: delay) }
        return PagingReceiver(server: server, delay: delay)
    }

    func shutdown() async { await server.shutdown() }
}
