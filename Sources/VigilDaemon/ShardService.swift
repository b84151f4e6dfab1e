import ServiceLifecycle

/// Runs every shard; on shutdown lets them drain what the listeners already delivered, then returns.
final class ShardService: Service {
    let router: ShardRouter

    init(router: ShardRouter) { self.router = router }

    func run() async throws {
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                for shard in router.shards {
                    group.addTask { await shard.run() }
                }
            }
        } onGracefulShutdown: {
            // Listeners stop before this service (reverse start order), so nothing new arrives.
            self.router.finish()
        }
    }
}
