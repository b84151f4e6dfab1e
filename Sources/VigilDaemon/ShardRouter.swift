import Metrics
import VigilEvents
import VigilIngest

/// Sends each batch to the shard that owns its customer, so one customer's state lives in one place.
final class ShardRouter: EventSink {
    let shards: [Shard]

    init(shards: [Shard]) {
        precondition(!shards.isEmpty)
        self.shards = shards
    }

    func shard(for customer: CustomerID) -> Shard {
        shards[Self.index(of: customer, shardCount: shards.count)]
    }

    /// FNV-1a of the customer id: stable across runs and machines.
    static func index(of customer: CustomerID, shardCount: Int) -> Int {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in customer.rawValue.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x100_0000_01b3
        }
        return Int(hash % UInt64(shardCount))
    }

    func deliver(_ batch: EventBatch) async {
        // A batch comes from one connection, which is bound to one customer.
        guard let first = batch.events.first else { return }
        await shard(for: first.customer).send(.batch(batch))
    }

    func finish() {
        for shard in shards { shard.finish() }
    }
}
