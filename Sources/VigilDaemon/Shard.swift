import Logging
import Metrics
import VigilEvents
import VigilIngest

/// What a shard is asked to do, in order.
enum ShardInput: Sendable {
    case batch(EventBatch)
}

/// One detection worker: a single task that owns its customers' state, fed through a bounded queue.
final class Shard: Sendable {
    let index: Int
    private let queue: BoundedQueue<ShardInput>
    private let depth: Gauge
    private let processed: Counter
    private let printer: JSONLinePrinter?

    init(index: Int, queueDepth: Int, printer: JSONLinePrinter?) {
        self.index = index
        self.queue = BoundedQueue(capacity: queueDepth)
        self.depth = Gauge(label: "vigil_shard_queue_depth", dimensions: [("shard", String(index))])
        self.processed = Counter(label: "vigil_shard_events_total", dimensions: [("shard", String(index))])
        self.printer = printer
    }

    func send(_ input: ShardInput) async {
        await queue.send(input)
    }

    func finish() { queue.finish() }

    var queuedBatches: Int { queue.count }

    /// Processes inputs until `finish()` has been called and the queue is drained.
    func run() async {
        while let input = await queue.next() {
            depth.record(queue.count)
            switch input {
            case .batch(let batch):
                printer?.print(events: batch.events)
                processed.increment(by: Int64(batch.events.count))
            }
        }
    }
}
