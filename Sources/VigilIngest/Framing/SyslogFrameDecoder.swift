import NIOCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Splits a TCP byte stream into syslog frames per RFC 6587: octet counting or LF, detected per frame.
///
/// Memory stays bounded: a frame above `maximumFrameLength` is skipped as it streams in and reported once
/// as `.oversize`. Stray CR, LF and NUL between frames are ignored.
public struct SyslogFrameDecoder: NIOSingleStepByteToMessageDecoder {
    public typealias InboundOut = SyslogFrame

    public let maximumFrameLength: Int
    public let mode: FramingMode

    private enum State {
        case frameStart
        /// Skipping the rest of an oversize octet-counted frame.
        case skippingCount(remaining: Int)
        /// Skipping an oversize line up to its LF; `skipped` bytes so far.
        case skippingLine(skipped: Int)
    }

    private var state: State = .frameStart
    /// Bytes already searched for an LF in the current line, so a slow line is not rescanned.
    private var scanned = 0

    /// Octet counts of up to 10 digits; anything longer is read as a line.
    private static let maximumCountDigits = 10

    public init(maximumFrameLength: Int = 64 * 1024, mode: FramingMode = .auto) {
        precondition(maximumFrameLength > 0)
        self.maximumFrameLength = maximumFrameLength
        self.mode = mode
    }

    public mutating func decode(buffer: inout ByteBuffer) throws -> SyslogFrame? {
        while true {
            switch state {
            case .skippingCount(let remaining):
                let n = min(remaining, buffer.readableBytes)
                buffer.moveReaderIndex(forwardBy: n)
                if n < remaining {
                    state = .skippingCount(remaining: remaining - n)
                    return nil
                }
                state = .frameStart
            case .skippingLine(let skipped):
                if let n = Self.lineFeed(in: buffer, from: 0) {
                    buffer.moveReaderIndex(forwardBy: n + 1)
                    state = .frameStart
                    return .oversize(length: skipped + n)
                }
                let n = buffer.readableBytes
                buffer.moveReaderIndex(forwardBy: n)
                state = .skippingLine(skipped: skipped + n)
                return nil
            case .frameStart:
                skipSeparators(&buffer)
                guard let first = buffer.readableBytesView.first else { return nil }
                let looksCounted = first >= UInt8(ascii: "1") && first <= UInt8(ascii: "9")
                if mode == .octetCounting || (mode == .auto && looksCounted) {
                    switch readCount(buffer) {
                    case .needMore:
                        return nil
                    case .count(let length, let headerLength):
                        if length > maximumFrameLength {
                            buffer.moveReaderIndex(forwardBy: headerLength)
                            state = .skippingCount(remaining: length)
                            return .oversize(length: length)
                        }
                        guard buffer.readableBytes >= headerLength + length else { return nil }
                        buffer.moveReaderIndex(forwardBy: headerLength)
                        return .message(buffer.readSlice(length: length)!)
                    case .notACount:
                        if mode == .octetCounting {
                            // Resynchronise: drop the line, count it as a malformed frame.
                            return readLine(&buffer)
                        }
                    }
                }
                return readLine(&buffer)
            }
        }
    }

    public mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> SyslogFrame? {
        if let frame = try decode(buffer: &buffer) { return frame }
        switch state {
        case .skippingCount, .skippingLine(skipped: _):
            // The oversize frame was already reported (count) or is reported now (line).
            if case .skippingLine(let skipped) = state, skipped > 0 {
                state = .frameStart
                return .oversize(length: skipped)
            }
            state = .frameStart
            buffer.moveReaderIndex(forwardBy: buffer.readableBytes)
            return nil
        case .frameStart:
            skipSeparators(&buffer)
            guard buffer.readableBytes > 0 else { return nil }
            let first = buffer.readableBytesView.first!
            let looksCounted = first >= UInt8(ascii: "1") && first <= UInt8(ascii: "9")
            if mode != .lineFeed, looksCounted, case .count = readCount(buffer) {
                let n = buffer.readableBytes
                buffer.moveReaderIndex(forwardBy: n)
                return .truncated(length: n)
            }
            // A last line without its LF is still a complete message (logger and nc send that).
            scanned = 0
            return .message(buffer.readSlice(length: buffer.readableBytes)!)
        }
    }

    private enum CountResult {
        case needMore
        case count(length: Int, headerLength: Int)
        case notACount
    }

    private func readCount(_ buffer: ByteBuffer) -> CountResult {
        var length = 0
        var index = 0
        for byte in buffer.readableBytesView {
            if byte == UInt8(ascii: " ") {
                return index == 0 ? .notACount : .count(length: length, headerLength: index + 1)
            }
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9"), index < Self.maximumCountDigits,
                  !(index == 0 && byte == UInt8(ascii: "0"))
            else { return .notACount }
            length = length * 10 + Int(byte - UInt8(ascii: "0"))
            index += 1
        }
        return .needMore
    }

    /// Offset of the first LF at or after `from` in the readable bytes (memchr: the hot path of LF framing).
    @inline(__always)
    private static func lineFeed(in buffer: ByteBuffer, from: Int) -> Int? {
        buffer.withUnsafeReadableBytes { bytes -> Int? in
            guard from < bytes.count, let base = bytes.baseAddress else { return nil }
            guard let hit = memchr(base + from, 0x0A, bytes.count - from) else { return nil }
            return UnsafeRawPointer(hit) - base
        }
    }

    private mutating func readLine(_ buffer: inout ByteBuffer) -> SyslogFrame? {
        let readable = buffer.readableBytes
        if let lf = Self.lineFeed(in: buffer, from: scanned) {
            scanned = 0
            var length = lf
            if length > maximumFrameLength {
                buffer.moveReaderIndex(forwardBy: length + 1)
                return .oversize(length: length)
            }
            let hasCR = length > 0 && buffer.getInteger(at: buffer.readerIndex + lf - 1, as: UInt8.self) == UInt8(ascii: "\r")
            if hasCR { length -= 1 }
            let line = buffer.readSlice(length: length)!
            buffer.moveReaderIndex(forwardBy: hasCR ? 2 : 1)
            return .message(line)
        }
        if readable > maximumFrameLength {
            buffer.moveReaderIndex(forwardBy: readable)
            scanned = 0
            state = .skippingLine(skipped: readable)
            return nil
        }
        scanned = readable
        return nil
    }

    private func skipSeparators(_ buffer: inout ByteBuffer) {
        var n = 0
        for byte in buffer.readableBytesView {
            guard byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") || byte == 0 else { break }
            n += 1
        }
        buffer.moveReaderIndex(forwardBy: n)
    }
}
