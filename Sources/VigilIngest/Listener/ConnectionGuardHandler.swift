import NIOCore

/// Takes a connection slot when a connection opens and gives it back when it closes; refuses over the limits.
final class ConnectionGuardHandler: ChannelInboundHandler {
    typealias InboundIn = NIOAny

    private let limiter: ConnectionLimiter
    private let listener: String
    private let environment: IngestEnvironment
    private var source: String?

    init(limiter: ConnectionLimiter, listener: String, environment: IngestEnvironment) {
        self.limiter = limiter
        self.listener = listener
        self.environment = environment
    }

    func channelActive(context: ChannelHandlerContext) {
        let peer = context.channel.remoteAddress?.ipAddress ?? "unknown"
        if let refusal = limiter.acquire(source: peer) {
            environment.metrics.connectionRejected(listener: listener, reason: refusal.rawValue)
            environment.logger.warning("refusing connection over the limit",
                                       metadata: ["listener": "\(listener)", "peer": "\(peer)", "reason": "\(refusal.rawValue)"])
            context.close(promise: nil)
            return
        }
        source = peer
        environment.metrics.activeConnections(listener: listener).record(limiter.openConnections)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        if let source {
            limiter.release(source: source)
            self.source = nil
            environment.metrics.activeConnections(listener: listener).record(limiter.openConnections)
        }
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        // Nothing passes before the slot is taken.
        if source != nil { context.fireChannelRead(data) }
    }
}
