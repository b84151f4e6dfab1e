import NIOCore
import NIOEmbedded
import NIOTestUtils
import Testing
@testable import VigilIngest

@Suite struct SyslogFrameDecoderTests {
    private func buffer(_ s: String) -> ByteBuffer { ByteBuffer(string: s) }
    private func message(_ s: String) -> SyslogFrame { .message(ByteBuffer(string: s)) }

    @Test func lineFeedFramesInOddChunks() throws {
        try ByteToMessageDecoderVerifier.verifyDecoder(
            inputOutputPairs: [
                (buffer("<13>Nov 21 03:00:00 host sshd[1]: hello\n"), [message("<13>Nov 21 03:00:00 host sshd[1]: hello")]),
                (buffer("{\"a\":1}\r\n"), [message("{\"a\":1}")]),
                (buffer("CEF:0|V|P|1|100|name|5|src=1.2.3.4\n"), [message("CEF:0|V|P|1|100|name|5|src=1.2.3.4")]),
                (buffer("2026-11-21 not a count\n"), [message("2026-11-21 not a count")]),
            ],
            decoderFactory: { SyslogFrameDecoder() }
        )
    }

    @Test func octetCountedFramesInOddChunks() throws {
        let msg = "<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 - hi"
        try ByteToMessageDecoderVerifier.verifyDecoder(
            inputOutputPairs: [
                (buffer("\(msg.utf8.count) \(msg)"), [message(msg)]),
                (buffer("5 hello\n"), [message("hello")]),  // rsyslog may add a trailer LF; it is skipped
                (buffer("11 a b\nc d\ne f"), [message("a b\nc d\ne f")]),  // embedded LFs stay in counted frames
            ],
            decoderFactory: { SyslogFrameDecoder() }
        )
    }

    @Test func oversizeFramesAreSkippedAndReported() throws {
        let big = String(repeating: "x", count: 40)
        try ByteToMessageDecoderVerifier.verifyDecoder(
            inputOutputPairs: [
                (buffer("40 \(big)"), [.oversize(length: 40)]),
                (buffer("\(big)\n"), [.oversize(length: 40)]),
                (buffer("3 abc"), [message("abc")]),
                (buffer("short\n"), [message("short")]),
            ],
            decoderFactory: { SyslogFrameDecoder(maximumFrameLength: 16) }
        )
    }

    @Test func forcedModes() throws {
        try ByteToMessageDecoderVerifier.verifyDecoder(
            inputOutputPairs: [(buffer("12 monkeys\n"), [message("12 monkeys")])],
            decoderFactory: { SyslogFrameDecoder(mode: .lineFeed) }
        )
        try ByteToMessageDecoderVerifier.verifyDecoder(
            inputOutputPairs: [
                (buffer("3 abc"), [message("abc")]),
                (buffer("junk line\n"), [message("junk line")]),
            ],
            decoderFactory: { SyslogFrameDecoder(mode: .octetCounting) }
        )
    }

    @Test func wrongCountResynchronisesOnTheNextLine() throws {
        // Count 3 is too small: "abc" is a frame, the rest of the line is junk, then a good frame follows.
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(SyslogFrameDecoder()))
        try channel.writeInbound(buffer("3 abcdef ghi\n5 hello"))
        #expect(try channel.readInbound(as: SyslogFrame.self) == message("abc"))
        #expect(try channel.readInbound(as: SyslogFrame.self) == message("def ghi"))
        #expect(try channel.readInbound(as: SyslogFrame.self) == message("hello"))
        #expect(try channel.finish().isClean)
    }

    @Test func bufferingStaysBoundedForAHugeLine() throws {
        let channel = EmbeddedChannel(
            handler: ByteToMessageHandler(SyslogFrameDecoder(maximumFrameLength: 64 * 1024), maximumBufferSize: 128 * 1024)
        )
        let chunk = String(repeating: "A", count: 8192)
        for _ in 0..<(10 * 1024 * 1024 / 8192) { try channel.writeInbound(buffer(chunk)) }
        #expect(try channel.readInbound(as: SyslogFrame.self) == nil)
        try channel.writeInbound(buffer("\nnext\n"))
        #expect(try channel.readInbound(as: SyslogFrame.self) == .oversize(length: 10 * 1024 * 1024))
        #expect(try channel.readInbound(as: SyslogFrame.self) == message("next"))
        #expect(try channel.finish().isClean)
    }

    @Test func closeInTheMiddleOfACountedFrame() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(SyslogFrameDecoder()))
        try channel.writeInbound(buffer("2 ok100 partial"))
        #expect(try channel.readInbound(as: SyslogFrame.self) == message("ok"))
        #expect(try channel.readInbound(as: SyslogFrame.self) == nil)
        _ = try? channel.finish()
        #expect(try channel.readInbound(as: SyslogFrame.self) == .truncated(length: 11))
    }

    @Test func lastLineWithoutLineFeedIsDelivered() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(SyslogFrameDecoder()))
        try channel.writeInbound(buffer("<13>no newline"))
        #expect(try channel.readInbound(as: SyslogFrame.self) == nil)
        _ = try? channel.finish()
        #expect(try channel.readInbound(as: SyslogFrame.self) == message("<13>no newline"))
    }
}
