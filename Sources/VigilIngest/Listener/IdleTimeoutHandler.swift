import NIOCore

/// Fires `IdleTimeoutHandler.Timeout` when nothing was read for `timeout`. Uses the event loop's clock,
/// so tests on an EmbeddedEventLoop can advance time.
final class IdleTimeoutHandler: ChannelInboundHandler {
    typealias InboundIn = NIOAny

    struct Timeout: Sendable {}

    private let timeout: TimeAmount
    private var lastRead: NIODeadline = .distantPast
    private var scheduled: Scheduled<Void>?

    init(timeout: TimeAmount) { self.timeout = timeout }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { start(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        start(context)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        lastRead = context.eventLoop.now
        context.fireChannelRead(data)
    }

    func channelInactive(context: ChannelHandlerContext) {
        scheduled?.cancel()
        scheduled = nil
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        scheduled?.cancel()
        scheduled = nil
    }

    private func start(_ context: ChannelHandlerContext) {
        guard scheduled == nil else { return }
        lastRead = context.eventLoop.now
        schedule(context, at: lastRead + timeout)
    }

    private func schedule(_ context: ChannelHandlerContext, at deadline: NIODeadline) {
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        scheduled = context.eventLoop.scheduleTask(deadline: deadline) {
            let (handler, context) = loopBound.value
            handler.check(context)
        }
    }

    private func check(_ context: ChannelHandlerContext) {
        guard context.channel.isActive else { return }
        let due = lastRead + timeout
        if context.eventLoop.now >= due {
            scheduled = nil
            context.fireUserInboundEventTriggered(Timeout())
        } else {
            schedule(context, at: due)
        }
    }
}
