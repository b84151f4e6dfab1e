import VigilEvents

/// What the store holds of the open incident for a dedup key, as the planner needs it.
public struct OpenIncident: Sendable, Hashable {
    public var id: Int64
    public var classification: Classification
    public var detectedAt: Timestamp
    public var evidenceCount: Int

    public init(id: Int64, classification: Classification, detectedAt: Timestamp, evidenceCount: Int) {
        self.id = id
        self.classification = classification
        self.detectedAt = detectedAt
        self.evidenceCount = evidenceCount
    }
}
