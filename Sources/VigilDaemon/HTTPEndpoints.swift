import Hummingbird
import Logging
import NIOCore
import Prometheus

/// The HTTP side: `/healthz`, `/readyz`, `/metrics` (and, later, acknowledgement links).
enum HTTPEndpoints {
    /// `beforeScrape` runs before each `/metrics` answer (gauges that are read, not pushed, such as `vigil_ready`).
    static func makeRouter(registry: PrometheusCollectorRegistry, readiness: Readiness, admin: AdminEndpoints?,
                           ack: AckEndpoints? = nil, beforeScrape: @escaping @Sendable () -> Void = {}) -> Router<BasicRequestContext> {
        let router = Router()
        admin?.register(on: router)
        ack?.register(on: router)
        router.get("/healthz") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: "ok\n")))
        }
        router.get("/readyz") { _, _ in
            let (ready, detail) = readiness.status
            return Response(status: ready ? .ok : .serviceUnavailable, headers: [.contentType: "text/plain; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(string: (ready ? "ready " : "not ready ") + detail + "\n")))
        }
        router.get("/metrics") { _, _ in
            beforeScrape()
            var bytes: [UInt8] = []
            registry.emit(into: &bytes)
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
        }
        return router
    }

    static func makeApplication(
        address: String, port: Int, registry: PrometheusCollectorRegistry, readiness: Readiness, admin: AdminEndpoints?,
        ack: AckEndpoints? = nil, logger: Logger, beforeScrape: @escaping @Sendable () -> Void = {},
        onRunning: @escaping @Sendable (Int) async -> Void
    ) -> some ApplicationProtocol {
        Application(
            router: makeRouter(registry: registry, readiness: readiness, admin: admin, ack: ack, beforeScrape: beforeScrape),
            configuration: .init(address: .hostname(address, port: port), serverName: "vigil"),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) },
            logger: logger
        )
    }
}
