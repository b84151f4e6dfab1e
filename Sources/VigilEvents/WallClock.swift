import Foundation
import Synchronization

/// The source of "now". Inject it; tests use `ManualClock`.
public protocol WallClock: Sendable {
    var now: Timestamp { get }
}

/// The real clock.
public struct SystemClock: WallClock {
    public init() {}

    public var now: Timestamp {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Timestamp(seconds: Int64(ts.tv_sec), nanoseconds: Int64(ts.tv_nsec))
    }
}

/// A clock that moves only when told to.
public final class ManualClock: WallClock {
    private let current: Mutex<Timestamp>

    public init(_ start: Timestamp) { current = Mutex(start) }

    public var now: Timestamp { current.withLock { $0 } }

    public func set(_ t: Timestamp) { current.withLock { $0 = t } }

    public func advance(by span: TimeSpan) { current.withLock { $0 = $0 + span } }
}
