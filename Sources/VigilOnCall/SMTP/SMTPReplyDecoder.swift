import NIOCore

/// Decodes SMTP replies (RFC 5321 §4.2): `250-…` continuation lines up to a final `250 …` line.
public struct SMTPReplyDecoder: ByteToMessageDecoder {
    public typealias InboundOut = SMTPReply

    /// Longest line accepted (RFC 5321 allows 512; servers send more in EHLO lists).
    public static let maximumLineLength = 4096
    private var pending: [String] = []
    private var pendingCode: Int?

    public init() {}

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let reply = try next(&buffer) else { return .needMoreData }
        context.fireChannelRead(wrapInboundOut(reply))
        return .continue
    }

    public mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        try decode(context: context, buffer: &buffer)
    }

    /// Reads lines until a reply is complete; nil when more bytes are needed.
    mutating func next(_ buffer: inout ByteBuffer) throws -> SMTPReply? {
        while let newline = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) {
            let length = newline - buffer.readerIndex
            guard length <= Self.maximumLineLength else { throw SMTPError(code: .protocolViolation, detail: "reply line too long") }
            var line = buffer.readString(length: length)!
            buffer.moveReaderIndex(forwardBy: 1)
            if line.hasSuffix("\r") { line.removeLast() }
            let bytes = Array(line.utf8)
            guard bytes.count >= 3, bytes[0...2].allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let code = Int(String(line.prefix(3))),
                  bytes.count == 3 || bytes[3] == UInt8(ascii: " ") || bytes[3] == UInt8(ascii: "-")
            else { throw SMTPError(code: .protocolViolation, detail: "malformed reply line") }
            if let pendingCode, pendingCode != code { throw SMTPError(code: .protocolViolation, detail: "reply code changed within a reply") }
            pending.append(bytes.count > 4 ? String(line.dropFirst(4)) : "")
            if bytes.count > 3, bytes[3] == UInt8(ascii: "-") {
                pendingCode = code
                continue
            }
            let reply = SMTPReply(code: code, lines: pending)
            pending = []
            pendingCode = nil
            return reply
        }
        if buffer.readableBytes > Self.maximumLineLength { throw SMTPError(code: .protocolViolation, detail: "reply line too long") }
        return nil
    }
}
