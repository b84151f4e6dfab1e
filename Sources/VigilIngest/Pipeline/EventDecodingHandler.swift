import Logging
import NIOCore
import NIOSSL
import NIOTLS
import VigilEvents

/// Turns frames into events bound to the connection's customer, and counts what it drops and why.
///
/// Events leave in batches at the end of each read burst (or every `maxBatch` events).
final class EventDecodingHandler: ChannelInboundHandler {
    typealias InboundIn = SyslogFrame
    typealias InboundOut = EventBatch

    private let listener: ListenerConfiguration
    private let parser: EventParser
    private let environment: IngestEnvironment
    private let maxBatch: Int

    private var customer: CustomerID?
    private var counters: IngestMetrics.Counters?
    private var peer = ""
    private var peerPort = 0
    private var sequence = SequenceBlock()
    private var pending: [Event] = []
    private var burstTime: Timestamp?
    private var received = 0
    private var parsed = 0
    private var claims = 0

    init(listener: ListenerConfiguration, parser: EventParser, environment: IngestEnvironment, maxBatch: Int = 512) {
        self.listener = listener
        self.parser = parser
        self.environment = environment
        self.maxBatch = maxBatch
    }

    func channelActive(context: ChannelHandlerContext) {
        if let address = context.channel.remoteAddress {
            peer = address.ipAddress ?? "unknown"
            peerPort = address.port ?? 0
        }
        switch listener.binding {
        case .fixed(let id):
            bind(id)
        case .sourceAddress(let map):
            if let ip = IPAddress(peer), let id = map.customer(for: ip) {
                bind(id)
            } else {
                refuse(context, reason: "unbound_source", detail: "source address \(peer) is not mapped to a customer")
                return
            }
        case .certificate:
            break  // bound when the TLS handshake completes
        }
        context.fireChannelActive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let tls = event as? TLSUserEvent, case .handshakeCompleted = tls, case .certificate(let map) = listener.binding {
            let certificate = try? context.pipeline.syncOperations.handler(type: NIOSSLServerHandler.self).peerCertificate
            let names = certificate.map(CertificateIdentity.names(of:)) ?? []
            if let match = map.customer(for: names) {
                bind(match.customer)
                environment.logger.debug("connection bound by certificate",
                                         metadata: ["listener": "\(listener.name)", "peer": "\(peer)", "name": "\(match.name)",
                                                    "customer": "\(match.customer)"])
            } else {
                refuse(context, reason: "unbound_certificate",
                       detail: "client certificate names \(names) are not mapped to a customer")
                return
            }
        } else if event is IdleTimeoutHandler.Timeout {
            environment.metrics.connectionRejected(listener: listener.name, reason: "idle_timeout")
            environment.logger.info("closing idle connection",
                                    metadata: ["listener": "\(listener.name)", "peer": "\(peer)"])
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        guard let customer, let counters else { return }  // not bound yet: nothing may pass
        let now: Timestamp
        if let t = burstTime { now = t } else { now = environment.clock.now; burstTime = now }
        received += 1
        switch frame {
        case .message(let buffer):
            let context = ParseContext(customer: customer, listener: listener.name, peer: peer, peerPort: peerPort,
                                       receivedTime: now, timeZone: listener.timeZone,
                                       sequence: sequence.next(from: environment.sequences))
            let result = buffer.withUnsafeReadableBytes { parser.parse($0, context: context) }
            switch result {
            case .success(var event):
                claims += CustomerClaims.enforce(on: &event, bound: customer)
                parsed += 1
                pending.append(event)
            case .failure(let error):
                counters.malformed(reason: error.reason.code).increment()
                sample(reason: error.reason.code, detail: error.detail, bytes: buffer.readableBytesView)
            }
        case .oversize(let length):
            counters.oversize.increment()
            sample(reason: "oversize", detail: "frame of \(length) bytes exceeds \(listener.maxFrameBytes)", bytes: [])
        case .truncated(let length):
            counters.truncated.increment()
            sample(reason: "truncated", detail: "connection closed inside a frame after \(length) bytes", bytes: [])
        }
        if pending.count >= maxBatch { flush(context) }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        flush(context)
        burstTime = nil
        context.fireChannelReadComplete()
    }

    func channelInactive(context: ChannelHandlerContext) {
        flush(context)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let ssl = error as? NIOSSLError, case .uncleanShutdown = ssl {
            context.close(promise: nil)
            return
        }
        if error is NIOSSLError || error is BoringSSLError {
            environment.metrics.connectionRejected(listener: listener.name, reason: "tls_handshake")
        }
        environment.logger.info("closing connection after error",
                                metadata: ["listener": "\(listener.name)", "peer": "\(peer)", "error": "\(error)"])
        context.close(promise: nil)
    }

    private func bind(_ id: CustomerID) {
        customer = id
        counters = environment.metrics.counters(listener: listener.name, customer: id)
    }

    private func refuse(_ context: ChannelHandlerContext, reason: String, detail: String) {
        environment.metrics.connectionRejected(listener: listener.name, reason: reason)
        environment.logger.warning("refusing connection",
                                   metadata: ["listener": "\(listener.name)", "peer": "\(peer)", "reason": "\(reason)",
                                              "detail": "\(detail)"])
        context.close(promise: nil)
    }

    private func flush(_ context: ChannelHandlerContext) {
        if let counters {
            if received > 0 { counters.received.increment(by: Int64(received)) }
            if parsed > 0 { counters.parsed.increment(by: Int64(parsed)) }
            if claims > 0 { counters.rejectedClaims.increment(by: Int64(claims)) }
        }
        received = 0
        parsed = 0
        claims = 0
        guard !pending.isEmpty else { return }
        let batch = EventBatch(events: pending)
        pending.removeAll(keepingCapacity: true)
        context.fireChannelRead(wrapInboundOut(batch))
    }

    private func sample(reason: String, detail: String, bytes: some Collection<UInt8>) {
        guard let suppressed = environment.sampler.admit() else { return }
        var metadata: Logger.Metadata = ["listener": "\(listener.name)", "peer": "\(peer)", "reason": "\(reason)",
                                         "detail": "\(detail)", "sample": "\(MalformedSampler.sample(bytes))"]
        if let customer { metadata["customer"] = "\(customer)" }
        if suppressed > 0 { metadata["suppressed_since_last"] = "\(suppressed)" }
        environment.logger.warning("dropped malformed input", metadata: metadata)
    }
}
