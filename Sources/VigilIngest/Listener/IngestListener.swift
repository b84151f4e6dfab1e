import Logging
import NIOCore
import NIOPosix
import NIOSSL
import Synchronization
import VigilEvents

/// One bound TCP/TLS listener: accepts connections, frames, parses and binds their events, and hands them to a sink.
public final class IngestListener: Sendable {
    public let configuration: ListenerConfiguration
    private let environment: IngestEnvironment
    private let limiter: ConnectionLimiter
    private let limits: IngestLimits
    private let parserBox: ParserBox
    private let sslContext: NIOSSLContext?
    private let serverChannel: NIOAsyncChannel<NIOAsyncChannel<EventBatch, Never>, Never>
    private let connections = Mutex<[ObjectIdentifier: any Channel]>([:])

    /// The port actually bound (useful with port 0).
    public var port: Int { serverChannel.channel.localAddress?.port ?? configuration.port }

    private init(configuration: ListenerConfiguration, environment: IngestEnvironment, limiter: ConnectionLimiter,
                 limits: IngestLimits, parserBox: ParserBox, sslContext: NIOSSLContext?,
                 serverChannel: NIOAsyncChannel<NIOAsyncChannel<EventBatch, Never>, Never>) {
        self.configuration = configuration
        self.environment = environment
        self.limiter = limiter
        self.limits = limits
        self.parserBox = parserBox
        self.sslContext = sslContext
        self.serverChannel = serverChannel
    }

    /// Builds TLS (if any) and binds the socket; throws when the address is taken or a TLS file is bad.
    public static func bind(
        _ configuration: ListenerConfiguration,
        parser: EventParser,
        limits: IngestLimits,
        limiter: ConnectionLimiter,
        environment: IngestEnvironment,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws -> IngestListener {
        let sslContext = try configuration.tls?.makeServerContext()
        let currentParser = ParserBox(parser)
        let idle = TimeAmount.nanoseconds(limits.idleTimeout.nanoseconds)
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(.backlog, value: 256)
            .childChannelOption(.socketOption(.so_keepalive), value: 1)
            .bind(host: configuration.address, port: configuration.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    let sync = channel.pipeline.syncOperations
                    try sync.addHandler(ConnectionGuardHandler(limiter: limiter, listener: configuration.name, environment: environment))
                    if let sslContext { try sync.addHandler(NIOSSLServerHandler(context: sslContext)) }
                    try sync.addHandler(IdleTimeoutHandler(timeout: idle))
                    try sync.addHandler(ByteToMessageHandler(
                        SyslogFrameDecoder(maximumFrameLength: configuration.maxFrameBytes, mode: configuration.framing),
                        maximumBufferSize: configuration.maxFrameBytes + 64 * 1024))
                    try sync.addHandler(EventDecodingHandler(listener: configuration, parser: currentParser.value, environment: environment))
                    return try NIOAsyncChannel<EventBatch, Never>(
                        wrappingChannelSynchronously: channel,
                        configuration: .init(backPressureStrategy: .init(lowWatermark: 2, highWatermark: limits.maxBatchesInFlight))
                    )
                }
            }
        return IngestListener(configuration: configuration, environment: environment, limiter: limiter, limits: limits,
                              parserBox: currentParser, sslContext: sslContext, serverChannel: channel)
    }

    /// Accepts connections and feeds `sink` until `shutdown()`; returns when every connection has finished.
    public func run(sink: some EventSink) async {
        let logger = environment.logger
        do {
            try await withThrowingDiscardingTaskGroup { group in
                try await serverChannel.executeThenClose { inbound in
                    for try await connection in inbound {
                        let id = ObjectIdentifier(connection.channel)
                        connections.withLock { $0[id] = connection.channel }
                        group.addTask {
                            defer { _ = self.connections.withLock { $0.removeValue(forKey: id) } }
                            do {
                                try await connection.executeThenClose { inbound, _ in
                                    for try await batch in inbound { await sink.deliver(batch) }
                                }
                            } catch {
                                logger.debug("connection ended", metadata: ["listener": "\(self.configuration.name)", "error": "\(error)"])
                            }
                        }
                    }
                }
            }
        } catch {
            logger.debug("listener stopped", metadata: ["listener": "\(configuration.name)", "error": "\(error)"])
        }
    }

    /// Stops accepting and closes every open connection; events already parsed are still delivered.
    public func shutdown() {
        serverChannel.channel.close(promise: nil)
        let open = connections.withLock { Array($0.values) }
        for channel in open { channel.close(promise: nil) }
    }

    public var openConnections: Int { connections.withLock { $0.count } }

    /// New connections parse with `parser` (new extractors after a reload); open ones keep theirs.
    public func update(parser: EventParser) {
        parserBox.value = parser
    }
}

/// The parser new connections take; swapped on reload.
final class ParserBox: Sendable {
    private let state: Mutex<EventParser>
    init(_ parser: EventParser) { state = Mutex(parser) }
    var value: EventParser {
        get { state.withLock { $0 } }
        set { state.withLock { $0 = newValue } }
    }
}
