import VigilDetection
import VigilEvents

/// A hit with the instant the sink accepted it: the incident's detection time.
public struct DetectedHit: Sendable {
    public var hit: Hit
    public var detectedAt: Timestamp

    public init(hit: Hit, detectedAt: Timestamp) {
        self.hit = hit
        self.detectedAt = detectedAt
    }

    public var key: DedupKey { DedupKey(hit: hit) }
}
