import Foundation
import NIOCore
import Testing
import VigilEvents
@testable import VigilIngest

/// The real util-linux `logger` over loopback TCP, framed by `SyslogFrameDecoder` and parsed with the shipped extractors.
@Suite("logger acceptance", .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/logger")))
struct LoggerAcceptanceTests {
    /// Runs `logger` against a capture listener and returns the frames it sent.
    func send(_ arguments: [String]) throws -> [[UInt8]] {
        let capture = try LoopbackCapture()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/logger")
        process.arguments = ["--tcp", "-n", "127.0.0.1", "-P", String(capture.port)] + arguments
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        var buffer = ByteBuffer(bytes: try capture.bytes())
        var decoder = SyslogFrameDecoder()
        var frames: [[UInt8]] = []
        while let frame = try decoder.decode(buffer: &buffer) {
            if case .message(let bytes) = frame { frames.append(Array(bytes.readableBytesView)) }
        }
        if let last = try decoder.decodeLast(buffer: &buffer, seenEOF: true), case .message(let bytes) = last {
            frames.append(Array(bytes.readableBytesView))
        }
        return frames
    }

    let parser = EventParser(protocol: .auto, extractors: ParserFixture.extractors)

    @Test("logger --tcp --octet-count --rfc5424 -t sshd \"Failed password for root …\" yields the acceptance fields")
    func acceptanceLine() throws {
        let frames = try send(["--octet-count", "--rfc5424", "-t", "sshd", "Failed password for root from 203.0.113.7 port 4242 ssh2"])
        try #require(frames.count == 1)
        let e = try parser.parse(frames[0], context: ParserFixture.context()).get()
        #expect(e.format == .rfc5424)
        #expect(e.string("user.name") == "root")
        #expect(e.string("source.ip") == "203.0.113.7")
        #expect(e.value(at: "source.port") == .int(4242))
        #expect(e.string("event.outcome") == "failure")
        #expect(e.string("process.name") == "sshd")
        #expect(e.string("log.syslog.structured_data.timeQuality.tzKnown") == "1")
        #expect(e.eventTime != ParserFixture.received)  // the frame carried its own timestamp
    }

    @Test("logger --rfc3164, newline framed")
    func rfc3164() throws {
        let frames = try send(["--rfc3164", "-t", "sudo", "alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/bin/ls"])
        try #require(frames.count == 1)
        let e = try parser.parse(frames[0], context: ParserFixture.context()).get()
        #expect(e.format == .rfc3164)
        #expect(e.string("process.name") == "sudo")
        #expect(e.string("user.name") == "alice")
        #expect(e.string("user.target.name") == "root")
        #expect(e.string("process.command_line") == "/bin/ls")
    }

    @Test("logger default remote format: RFC 5424, newline framed")
    func defaultFormat() throws {
        let frames = try send(["-t", "CRON", "-i", "(root) CMD (run-parts /etc/cron.hourly)"])
        try #require(frames.count == 1)
        let e = try parser.parse(frames[0], context: ParserFixture.context()).get()
        #expect(e.format == .rfc5424)
        #expect(e.string("user.name") == "root")
        #expect(e.string("process.command_line") == "run-parts /etc/cron.hourly")
        #expect(e.int("process.pid") != nil)
    }
}
