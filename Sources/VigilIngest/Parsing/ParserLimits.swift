/// Bounds that keep one hostile frame from costing unbounded time or memory.
public struct ParserLimits: Sendable, Hashable {
    /// Deepest JSON nesting accepted (objects and arrays); at most 256.
    public var maxJSONDepth: Int
    /// Most fields one event may carry (JSON leaves, structured-data params, CEF extensions).
    public var maxFields: Int
    /// Most JSON values (including array elements and containers) in one frame.
    public var maxJSONValues: Int
    /// Largest frame the parser looks at; larger frames are `too_large`.
    public var maxFrameBytes: Int

    public init(maxJSONDepth: Int = 64, maxFields: Int = 1024, maxJSONValues: Int = 100_000, maxFrameBytes: Int = 1 << 20) {
        self.maxJSONDepth = min(max(1, maxJSONDepth), 256)
        self.maxFields = max(1, maxFields)
        self.maxJSONValues = max(1, maxJSONValues)
        self.maxFrameBytes = min(max(1, maxFrameBytes), Int(Int32.max))
    }
}
