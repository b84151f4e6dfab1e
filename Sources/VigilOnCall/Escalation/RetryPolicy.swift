import VigilEvents

/// How often and how fast one contact is retried after a retryable failure, before falling back.
public struct RetryPolicy: Sendable, Hashable, Codable {
    /// Attempts per contact, the first included.
    public var maxAttempts: Int
    public var initialBackoff: TimeSpan
    public var multiplier: Int64
    public var maxBackoff: TimeSpan

    public init(maxAttempts: Int = 4, initialBackoff: TimeSpan = .seconds(15), multiplier: Int64 = 2, maxBackoff: TimeSpan = .minutes(5)) {
        self.maxAttempts = max(1, maxAttempts)
        self.initialBackoff = initialBackoff
        self.multiplier = max(1, multiplier)
        self.maxBackoff = maxBackoff
    }

    /// 4 attempts, 15 s, 30 s, 60 s apart.
    public static let standard = RetryPolicy()

    /// The wait before attempt `attempt + 1`; a provider's `Retry-After` hint lengthens it, up to `maxBackoff`.
    public func backoff(afterAttempt attempt: Int, hint: TimeSpan? = nil) -> TimeSpan {
        var wait = initialBackoff
        var n = 1
        while n < attempt, wait < maxBackoff {
            wait = wait * multiplier
            n += 1
        }
        if let hint, hint > wait { wait = hint }
        return min(wait, maxBackoff)
    }
}
