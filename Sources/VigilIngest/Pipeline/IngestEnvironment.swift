import Logging
import VigilEvents

/// What every listener shares: counters, the clock, sequence numbers, log sampling.
public struct IngestEnvironment: Sendable {
    public var metrics: IngestMetrics
    public var clock: any WallClock
    public var sequences: SequenceAllocator
    public var sampler: MalformedSampler
    public var logger: Logger

    public init(metrics: IngestMetrics = IngestMetrics(), clock: any WallClock = SystemClock(),
                sequences: SequenceAllocator = SequenceAllocator(), sampler: MalformedSampler? = nil,
                logger: Logger = Logger(label: "vigil.ingest")) {
        self.metrics = metrics
        self.clock = clock
        self.sequences = sequences
        self.sampler = sampler ?? MalformedSampler(clock: clock)
        self.logger = logger
    }
}
