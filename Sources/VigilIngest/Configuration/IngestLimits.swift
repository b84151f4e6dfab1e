import VigilEvents

/// Limits that keep one sender from exhausting the daemon.
public struct IngestLimits: Sendable, Hashable {
    public var maxConnections: Int = 4096
    public var maxConnectionsPerSource: Int = 256
    /// A connection that sends nothing for this long is closed.
    public var idleTimeout: TimeSpan = .minutes(15)
    public var maxFrameBytes: Int = 64 * 1024
    /// Event batches a connection may have in flight before it stops reading its socket.
    public var maxBatchesInFlight: Int = 4

    public init() {}

    public init(yaml: YAMLNode?) {
        guard let yaml, let map = yaml.mapping else { return }
        if let v = map["max_connections"]?.positiveInt { maxConnections = v }
        if let v = map["max_connections_per_source"]?.positiveInt { maxConnectionsPerSource = v }
        if let v = map["idle_timeout"]?.timeSpan { idleTimeout = v }
        if let node = map["max_frame_bytes"], let v = node.byteCount { maxFrameBytes = Self.positive(v, node) }
        if let v = map["max_batches_in_flight"]?.positiveInt { maxBatchesInFlight = v }
        map.finish()
    }

    static func positive(_ value: Int, _ node: YAMLNode) -> Int {
        if value <= 0 { node.error(.invalidValue, "must be greater than 0") }
        return max(1, value)
    }
}
