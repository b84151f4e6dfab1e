import Logging
import ServiceLifecycle
import Testing
import VigilDetection
import VigilEvents
@testable import VigilDaemon

@Suite struct ShardServiceTests {
    /// The clock's tick waits an hour here; a graceful shutdown must end that wait, not sit it out.
    @Test(.timeLimit(.minutes(1)))
    func gracefulShutdownDoesNotWaitForTheNextTick() async throws {
        var logger = Logger(label: "vigil.shard-service-tests")
        logger.logLevel = .critical
        let dispatcher = HitDispatcher(sink: nil, printer: nil, logger: logger)
        let clock = ManualClock(Timestamp(nanoseconds: 0))
        let shard = Shard(index: 0, queueDepth: 8, rules: .empty, engineOptions: EngineOptions(), printer: nil,
                          dispatcher: dispatcher, clock: clock, logger: logger)
        let service = ShardService(router: ShardRouter(shards: [shard]), clock: clock, tickInterval: .seconds(3600))
        let group = ServiceGroup(configuration: .init(services: [service], logger: logger))
        try await withThrowingTaskGroup { tasks in
            tasks.addTask { try await group.run() }
            // Let the tick loop reach its wait (the outcome does not depend on it; without it the test would prove less).
            try await Task.sleep(for: .milliseconds(200))
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        #expect(shard.queuedBatches == 0)
    }
}
