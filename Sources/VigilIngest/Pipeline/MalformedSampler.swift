import Synchronization
import VigilEvents

/// Lets through at most `limit` log samples per `interval`, and says how many were suppressed.
public final class MalformedSampler: Sendable {
    private struct State {
        var windowStart = Timestamp.epoch
        var used = 0
        var suppressed = 0
    }

    private let state = Mutex(State())
    public let limit: Int
    public let interval: TimeSpan
    private let clock: any WallClock

    public init(limit: Int = 10, interval: TimeSpan = .minutes(1), clock: any WallClock) {
        self.limit = limit
        self.interval = interval
        self.clock = clock
    }

    /// nil: don't log. Otherwise log, mentioning the returned number of samples suppressed before this one.
    public func admit() -> Int? {
        let now = clock.now
        return state.withLock { s in
            if now - s.windowStart >= interval {
                s.windowStart = now
                s.used = 0
            }
            guard s.used < limit else {
                s.suppressed += 1
                return nil
            }
            s.used += 1
            defer { s.suppressed = 0 }
            return s.suppressed
        }
    }

    /// Up to `maxBytes` of a frame, printable ASCII kept, everything else as `\xNN`.
    public static func sample(_ bytes: some Collection<UInt8>, maxBytes: Int = 160) -> String {
        var out = ""
        for b in bytes.prefix(maxBytes) {
            if b >= 0x20 && b < 0x7F && b != UInt8(ascii: "\\") {
                out.unicodeScalars.append(Unicode.Scalar(b))
            } else {
                out += "\\x" + (b < 16 ? "0" : "") + String(b, radix: 16)
            }
        }
        if bytes.count > maxBytes { out += "…(\(bytes.count) bytes)" }
        return out
    }
}
