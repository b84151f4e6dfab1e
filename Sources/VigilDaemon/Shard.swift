import Logging
import Metrics
import VigilDetection
import VigilEvents
import VigilIngest

/// What a shard is asked to do, in order.
enum ShardInput: Sendable {
    case batch(EventBatch)
    /// Swap the rules; the engine keeps the state of rules that did not change.
    case reload(RuleSet, @Sendable (RuleSetDiff) -> Void)
    /// Wall time passed: close windows and notice silences of quiet customers.
    case tick(Timestamp)
}

/// One detection worker: a single task that owns its customers' engine state, fed through a bounded queue.
final class Shard: Sendable {
    let index: Int
    private let queue: BoundedQueue<ShardInput>
    private let depth: Gauge
    private let processed: Counter
    private let printer: JSONLinePrinter?
    private let dispatcher: HitDispatcher
    private let initialRules: RuleSet
    private let engineOptions: EngineOptions
    private let clock: any WallClock
    private let logger: Logger

    init(index: Int, queueDepth: Int, rules: RuleSet, engineOptions: EngineOptions, printer: JSONLinePrinter?,
         dispatcher: HitDispatcher, clock: any WallClock, logger: Logger) {
        self.index = index
        self.queue = BoundedQueue(capacity: queueDepth)
        self.depth = Gauge(label: "vigil_shard_queue_depth", dimensions: [("shard", String(index))])
        self.processed = Counter(label: "vigil_shard_events_total", dimensions: [("shard", String(index))])
        // The bound of the queue (in batches), so alerts can compare the depth with it.
        Gauge(label: "vigil_shard_queue_capacity", dimensions: [("shard", String(index))]).record(queueDepth)
        self.printer = printer
        self.dispatcher = dispatcher
        self.initialRules = rules
        self.engineOptions = engineOptions
        self.clock = clock
        self.logger = logger
    }

    func send(_ input: ShardInput) async {
        await queue.send(input)
    }

    func finish() { queue.finish() }

    var queuedBatches: Int { queue.count }

    /// Processes inputs until `finish()` has been called and the queue is drained.
    func run() async {
        let engine = DetectionEngine(ruleSet: initialRules, options: engineOptions)
        var idle = IdleWatermark(allowedLateness: engineOptions.allowedLateness)
        var stats = ShardStatistics(shard: index)
        while let input = await queue.next() {
            depth.record(queue.count)
            switch input {
            case .batch(let batch):
                printer?.print(events: batch.events)
                let now = clock.now
                // Indexing borrows each event; `for event in` would copy it (a retain per field).
                for i in batch.events.indices { idle.observe(batch.events[i], arrivedAt: now) }
                // The whole read burst at once: its correlation updates run in order with their state prefetched.
                let hits = engine.process(batch: batch.events)
                processed.increment(by: Int64(batch.events.count))
                await dispatcher.dispatch(hits)
            case .reload(let rules, let reply):
                reply(engine.replace(ruleSet: rules))
            case .tick(let now):
                if let watermark = idle.watermark(at: now) {
                    await dispatcher.dispatch(engine.advance(to: watermark))
                }
                stats.publish(engine.statistics)
            }
        }
        // Shutting down: bursts already complete up to the newest event are decided now rather than lost
        // (correlation state does not survive a restart); silences are not invented.
        if let watermark = idle.watermark(at: clock.now) {
            await dispatcher.dispatch(engine.advance(to: watermark + engineOptions.allowedLateness))
        }
    }
}
