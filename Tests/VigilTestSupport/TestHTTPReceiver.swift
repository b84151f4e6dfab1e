import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A real HTTP/1.1 server on 127.0.0.1 with a free port, recording every request and answering
/// through a responder the test supplies (status, body, optional delay).
public final class TestHTTPReceiver: Sendable {
    public struct Request: Sendable {
        public var method: HTTPMethod
        public var uri: String
        public var headers: HTTPHeaders
        public var body: [UInt8]

        public var bodyText: String { String(decoding: body, as: UTF8.self) }
    }

    public struct Response: Sendable {
        public var status: HTTPResponseStatus
        public var headers: [(String, String)]
        public var body: String
        /// Wait this long before answering (to provoke client timeouts).
        public var delay: TimeAmount?

        public init(status: HTTPResponseStatus = .ok, headers: [(String, String)] = [], body: String = "", delay: TimeAmount? = nil) {
            self.status = status
            self.headers = headers
            self.body = body
            self.delay = delay
        }
    }

    /// Gets the request and its 0-based number.
    public typealias Responder = @Sendable (Request, Int) -> Response

    public let port: Int
    private let channel: any Channel
    private let recorded: Mutex<[Request]>
    public let responder: Responder

    public var requests: [Request] { recorded.withLock { $0 } }
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    private init(channel: any Channel, responder: @escaping Responder) {
        self.channel = channel
        self.port = channel.localAddress?.port ?? 0
        self.responder = responder
        self.recorded = Mutex([])
    }

    public static func start(responder: @escaping Responder = { _, _ in Response() }) async throws -> TestHTTPReceiver {
        let box = ReceiverBox()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(Handler(box: box))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let receiver = TestHTTPReceiver(channel: channel, responder: responder)
        box.set(receiver)
        return receiver
    }

    public func shutdown() async {
        try? await channel.close()
    }

    fileprivate func record(_ request: Request) -> Response {
        let index = recorded.withLock { list in
            list.append(request)
            return list.count - 1
        }
        return responder(request, index)
    }

    /// Lets handlers find the receiver created after the bootstrap.
    fileprivate final class ReceiverBox: Sendable {
        private let receiver = Mutex<TestHTTPReceiver?>(nil)
        func set(_ r: TestHTTPReceiver) { receiver.withLock { $0 = r } }
        func get() -> TestHTTPReceiver? { receiver.withLock { $0 } }
    }

    private final class Handler: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart

        let box: ReceiverBox
        var head: HTTPRequestHead?
        var body: [UInt8] = []

        init(box: ReceiverBox) { self.box = box }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let h):
                head = h
                body = []
            case .body(var buffer):
                body += buffer.readBytes(length: buffer.readableBytes) ?? []
            case .end:
                guard let head, let receiver = box.get() else { return }
                let response = receiver.record(Request(method: head.method, uri: head.uri, headers: head.headers, body: body))
                let keepAlive = head.isKeepAlive
                let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
                let send: @Sendable () -> Void = {
                    let (handler, context) = loopBound.value
                    handler.respond(response, keepAlive: keepAlive, context: context)
                }
                if let delay = response.delay {
                    context.eventLoop.scheduleTask(in: delay) { send() }
                } else {
                    send()
                }
            }
        }

        func respond(_ response: Response, keepAlive: Bool, context: ChannelHandlerContext) {
            var headers = HTTPHeaders(response.headers)
            headers.replaceOrAdd(name: "Content-Length", value: String(response.body.utf8.count))
            headers.replaceOrAdd(name: "Content-Type", value: headers.first(name: "Content-Type") ?? "application/json")
            if !keepAlive { headers.replaceOrAdd(name: "Connection", value: "close") }
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: response.status, headers: headers))), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: response.body)))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            if !keepAlive { context.close(promise: nil) }
        }
    }
}
