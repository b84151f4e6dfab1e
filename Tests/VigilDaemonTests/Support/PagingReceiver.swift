import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A webhook provider on 127.0.0.1 for the daemon's paging tests. Like a real provider that honours
/// `Idempotency-Key`, it accepts a key once: a repeat gets the same answer and is counted as a duplicate, not a page.
/// Answers can be delayed, so pages are in flight when the test kills the daemon.
final class PagingReceiver: Sendable {
    struct Received: Sendable {
        var path: String
        var key: String
        var body: [UInt8]
        var json: [String: Any]? { try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] }
    }

    let port: Int
    let delay: TimeAmount
    private let channel: any Channel
    private let received = Mutex<[Received]>([])

    var baseURL: String { "http://127.0.0.1:\(port)" }
    /// Every request, repeats included.
    var requests: [Received] { received.withLock { $0 } }
    /// The pages, one per idempotency key, in order of first arrival.
    var pages: [Received] {
        var seen: Set<String> = []
        return requests.filter { seen.insert($0.key).inserted }
    }
    var keys: Set<String> { Set(requests.map(\.key)) }

    private init(channel: any Channel, delay: TimeAmount) {
        self.channel = channel
        self.delay = delay
        port = channel.localAddress?.port ?? 0
    }

    static func start(delay: TimeAmount = .zero) async throws -> PagingReceiver {
        let box = Box()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(Handler(box: box))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let receiver = PagingReceiver(channel: channel, delay: delay)
        box.set(receiver)
        return receiver
    }

    func shutdown() async { try? await channel.close() }

    fileprivate func record(_ r: Received) { received.withLock { $0.append(r) } }

    fileprivate final class Box: Sendable {
        private let value = Mutex<PagingReceiver?>(nil)
        func set(_ r: PagingReceiver) { value.withLock { $0 = r } }
        func get() -> PagingReceiver? { value.withLock { $0 } }
    }

    private final class Handler: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart
        let box: Box
        var head: HTTPRequestHead?
        var body: [UInt8] = []

        init(box: Box) { self.box = box }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let h):
                head = h
                body = []
            case .body(var buffer):
                body += buffer.readBytes(length: buffer.readableBytes) ?? []
            case .end:
                guard let head, let receiver = box.get() else { return }
                receiver.record(Received(path: head.uri, key: head.headers.first(name: "Idempotency-Key") ?? "", body: body))
                let keepAlive = head.isKeepAlive
                let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
                context.eventLoop.scheduleTask(in: receiver.delay) {
                    let (handler, context) = bound.value
                    var headers = HTTPHeaders([("Content-Type", "application/json"), ("Content-Length", "2")])
                    if !keepAlive { headers.add(name: "Connection", value: "close") }
                    context.write(handler.wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))), promise: nil)
                    context.write(handler.wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: "{}")))), promise: nil)
                    context.writeAndFlush(handler.wrapOutboundOut(.end(nil)), promise: nil)
                    if !keepAlive { context.close(promise: nil) }
                }
            }
        }
    }
}
