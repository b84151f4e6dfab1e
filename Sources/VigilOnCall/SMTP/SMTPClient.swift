import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import Synchronization
import VigilEvents

/// A small SMTP submission client on SwiftNIO: EHLO, STARTTLS (or implicit TLS), AUTH PLAIN/LOGIN,
/// MAIL/RCPT/DATA, QUIT. One connection per message; the whole exchange has a deadline.
public struct SMTPClient: Sendable {
    public struct Configuration: Sendable {
        public var host: String
        public var port: Int
        public var security: SMTPSettings.Security
        public var username: String?
        public var password: Secret?
        public var authMechanism: SMTPSettings.AuthMechanism
        public var heloName: String
        public var timeout: TimeSpan
        /// Trust roots and verification for STARTTLS/TLS; the system's by default.
        public var tlsConfiguration: TLSConfiguration
        /// The name the certificate must carry; the host when it is a name, else none.
        public var serverHostname: String?

        public init(
            host: String, port: Int, security: SMTPSettings.Security = .startTLS, username: String? = nil, password: Secret? = nil,
            authMechanism: SMTPSettings.AuthMechanism = .plain, heloName: String = "vigil.localdomain", timeout: TimeSpan = .seconds(30),
            tlsConfiguration: TLSConfiguration = .makeClientConfiguration(), serverHostname: String? = nil
        ) {
            self.host = host
            self.port = port
            self.security = security
            self.username = username
            self.password = password
            self.authMechanism = authMechanism
            self.heloName = heloName
            self.timeout = timeout
            self.tlsConfiguration = tlsConfiguration
            self.serverHostname = serverHostname ?? (Self.isIPAddress(host) ? nil : host)
        }

        static func isLoopback(_ host: String) -> Bool {
            host == "localhost" || host == "::1" || host.hasPrefix("127.")
        }

        static func isIPAddress(_ host: String) -> Bool {
            (try? SocketAddress(ipAddress: host, port: 0)) != nil
        }
    }

    public let configuration: Configuration
    private let group: any EventLoopGroup

    public init(configuration: Configuration, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.configuration = configuration
        self.group = group
    }

    /// Sends one message; returns the server's reply to the end of DATA (often with a queue id).
    public func send(_ message: EmailMessage) async throws(SMTPError) -> SMTPReply {
        do {
            return try await sendUnmapped(message)
        } catch let error as SMTPError {
            throw error
        } catch {
            throw Self.map(error)
        }
    }

    private func sendUnmapped(_ message: EmailMessage) async throws -> SMTPReply {
        let config = configuration
        let sslContext: NIOSSLContext? = config.security == .none ? nil : try NIOSSLContext(configuration: config.tlsConfiguration)
        let channel = try await ClientBootstrap(group: group)
            .connectTimeout(.nanoseconds(config.timeout.nanoseconds))
            .connect(host: config.host, port: config.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    if config.security == .tls, let sslContext {
                        try channel.pipeline.syncOperations.addHandler(
                            NIOSSLClientHandler(context: sslContext, serverHostname: config.serverHostname))
                    }
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(SMTPReplyDecoder()))
                    return try NIOAsyncChannel<SMTPReply, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        let deadline = config.timeout
        let timedOut = TimeoutFlag()
        do {
            return try await exchange(message, channel: channel, config: config, sslContext: sslContext, deadline: deadline, timedOut: timedOut)
        } catch {
            if timedOut.isSet { throw SMTPError(code: .timeout, detail: "no answer within \(deadline)") }
            throw error
        }
    }

    private func exchange(_ message: EmailMessage, channel: NIOAsyncChannel<SMTPReply, ByteBuffer>, config: Configuration,
                          sslContext: NIOSSLContext?, deadline: TimeSpan, timedOut: TimeoutFlag) async throws -> SMTPReply {
        try await withThrowingTaskGroup(of: SMTPReply?.self) { group in
            group.addTask {
                try await channel.executeThenClose { inbound, outbound in
                    var conversation = SMTPConversation(replies: inbound.makeAsyncIterator(), outbound: outbound)
                    return try await conversation.run(message, config: config, upgrade: {
                        guard let sslContext else { throw SMTPError(code: .tlsFailed, detail: "no TLS context") }
                        try await channel.channel.eventLoop.submit {
                            try channel.channel.pipeline.syncOperations.addHandler(
                                NIOSSLClientHandler(context: sslContext, serverHostname: config.serverHostname), position: .first)
                        }.get()
                    })
                }
            }
            group.addTask {
                try? await Task.sleep(nanoseconds: UInt64(max(deadline.nanoseconds, 0)))
                if Task.isCancelled { return nil }
                timedOut.set()
                channel.channel.close(promise: nil)
                throw SMTPError(code: .timeout, detail: "no answer within \(deadline)")
            }
            defer { group.cancelAll() }
            while let result = try await group.next() {
                if let reply = result { return reply }
            }
            throw SMTPError(code: .timeout)
        }
    }

    static func map(_ error: any Error) -> SMTPError {
        if let e = error as? ChannelError {
            switch e {
            case .connectTimeout: return SMTPError(code: .timeout, detail: "connect timed out")
            case .ioOnClosedChannel, .eof, .alreadyClosed, .outputClosed, .inputClosed:
                return SMTPError(code: .connectionClosed, detail: "the server closed the connection")
            default: return SMTPError(code: .connectionFailed, detail: "\(e)")
            }
        }
        if error is NIOConnectionError || error is IOError { return SMTPError(code: .connectionFailed, detail: "cannot connect") }
        if error is NIOSSLError || error is NIOSSLExtraError || error is BoringSSLError {
            return SMTPError(code: .tlsFailed, detail: "TLS handshake failed")
        }
        return SMTPError(code: .connectionFailed, detail: "\(type(of: error))")
    }
}

/// Set once the deadline passed, so the error that the forced close causes is reported as a timeout.
final class TimeoutFlag: Sendable {
    private let state = Mutex(false)
    var isSet: Bool { state.withLock { $0 } }
    func set() { state.withLock { $0 = true } }
}

/// The command/reply exchange of one message, in order.
struct SMTPConversation {
    var replies: NIOAsyncChannelInboundStream<SMTPReply>.AsyncIterator
    let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>

    mutating func read() async throws -> SMTPReply {
        guard let reply = try await replies.next() else { throw SMTPError(code: .connectionClosed, detail: "the server closed the connection") }
        return reply
    }

    func write(_ line: String) async throws {
        try await outbound.write(ByteBuffer(string: line + "\r\n"))
    }

    /// Sends a command and requires one of `codes`.
    mutating func command(_ line: String, expect codes: Set<Int>, step: String) async throws -> SMTPReply {
        try await write(line)
        return try expect(await read(), codes, step: step)
    }

    func expect(_ reply: SMTPReply, _ codes: Set<Int>, step: String) throws -> SMTPReply {
        guard codes.contains(reply.code) else { throw SMTPError(code: .rejected, reply: reply, detail: "\(step) refused") }
        return reply
    }

    mutating func hello(_ name: String) async throws -> Set<String> {
        let reply = try await command("EHLO \(name)", expect: [250], step: "EHLO")
        return Set(reply.lines.dropFirst().map { $0.uppercased() })
    }

    mutating func run(_ message: EmailMessage, config: SMTPClient.Configuration, upgrade: () async throws -> Void) async throws -> SMTPReply {
        _ = try expect(await read(), [220], step: "greeting")
        var extensions = try await hello(config.heloName)
        if config.security == .startTLS {
            guard extensions.contains("STARTTLS") else {
                throw SMTPError(code: .startTLSUnavailable, detail: "the server does not offer STARTTLS")
            }
            _ = try await command("STARTTLS", expect: [220], step: "STARTTLS")
            try await upgrade()
            extensions = try await hello(config.heloName)
        }
        if let username = config.username, let password = config.password {
            guard config.security != .none || SMTPClient.Configuration.isLoopback(config.host) else {
                throw SMTPError(code: .authenticationFailed, detail: "refusing to send credentials without TLS to a remote relay")
            }
            try await authenticate(username: username, password: password, mechanism: config.authMechanism, extensions: extensions)
        }
        _ = try await command("MAIL FROM:<\(message.from.address)>", expect: [250], step: "MAIL FROM")
        for recipient in message.to {
            _ = try await command("RCPT TO:<\(recipient)>", expect: [250, 251], step: "RCPT TO")
        }
        _ = try await command("DATA", expect: [354], step: "DATA")
        try await outbound.write(ByteBuffer(string: Self.dotStuffed(message.rendered()) + "\r\n.\r\n"))
        let accepted = try expect(await read(), [250], step: "message")
        try? await write("QUIT")
        _ = try? await read()
        return accepted
    }

    mutating func authenticate(username: String, password: Secret, mechanism: SMTPSettings.AuthMechanism,
                               extensions: Set<String>) async throws {
        let offered = extensions.first { $0.hasPrefix("AUTH ") || $0.hasPrefix("AUTH=") }?
            .dropFirst(5).split(separator: " ").map(String.init) ?? []
        guard offered.contains(mechanism.rawValue) else {
            throw SMTPError(code: .authenticationFailed, detail: "the server does not offer AUTH \(mechanism.rawValue)")
        }
        func b64(_ s: String) -> String { Data(s.utf8).base64EncodedString() }
        let reply: SMTPReply
        switch mechanism {
        case .plain:
            try await write("AUTH PLAIN " + b64("\0\(username)\0\(password.value)"))
            reply = try await read()
        case .login:
            _ = try await command("AUTH LOGIN", expect: [334], step: "AUTH LOGIN")
            _ = try await command(b64(username), expect: [334], step: "AUTH LOGIN user")
            try await write(b64(password.value))
            reply = try await read()
        }
        guard reply.code == 235 else { throw SMTPError(code: .authenticationFailed, reply: reply, detail: "credentials refused") }
    }

    /// CRLF line ends, and a leading `.` doubled on every line (RFC 5321 §4.5.2).
    static func dotStuffed(_ text: String) -> String {
        text.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.hasPrefix(".") ? "." + $0 : String($0) }.joined(separator: "\r\n")
    }
}
