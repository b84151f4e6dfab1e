import ServiceLifecycle
import VigilEvents

/// Runs every shard and their clock; on shutdown lets them drain what the listeners already delivered.
final class ShardService: Service {
    let router: ShardRouter
    private let clock: any WallClock
    private let tickInterval: Duration

    init(router: ShardRouter, clock: any WallClock, tickInterval: Duration = .seconds(1)) {
        self.router = router
        self.clock = clock
        self.tickInterval = tickInterval
    }

    func run() async throws {
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                for shard in router.shards {
                    group.addTask { await shard.run() }
                }
                group.addTask { await self.tick() }
            }
        } onGracefulShutdown: {
            // Listeners stop before this service (reverse start order), so nothing new arrives.
            self.router.finish()
        }
    }

    /// Tells every shard the wall time, so quiet customers' windows close and silences are noticed.
    private func tick() async {
        while !Task.isCancelledOrShuttingDown {
            // Graceful shutdown ends the wait at once; the shards' drain does not wait for the next tick.
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: self.tickInterval) }
            guard !Task.isCancelledOrShuttingDown else { return }
            let now = clock.now
            for shard in router.shards { await shard.send(.tick(now)) }
        }
    }
}
