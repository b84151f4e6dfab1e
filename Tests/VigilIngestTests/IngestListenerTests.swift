import Logging
import Foundation
import NIOCore
import NIOEmbedded
import Testing
import VigilEvents
@testable import VigilIngest

@Suite struct IngestListenerTests {
    @Test func sourceAddressBindsTheCustomer() async throws {
        let map = SourceCustomerMap([(CIDRBlock("10.0.0.0/8")!, "leasing-west"), (CIDRBlock("127.0.0.0/8")!, "factory-sued")])
        let harness = try await ListenerHarness.start(binding: .sourceAddress(map))
        let client = try await TestClient.connect(port: harness.port)
        try await client.send("<13>1 2026-11-21T03:00:00Z host app 1 - - hi\n")
        #expect(await harness.sink.next(1).map(\.customer) == ["factory-sued"])
        await client.close()
        await harness.stop()
    }

    @Test func unmappedSourceIsRefused() async throws {
        let map = SourceCustomerMap([(CIDRBlock("10.0.0.0/8")!, "leasing-west")])
        let harness = try await ListenerHarness.start(binding: .sourceAddress(map))
        let client = try await TestClient.connect(port: harness.port)
        try? await client.send("<13>1 2026-11-21T03:00:00Z host app 1 - - hi\n")
        await client.closed()
        #expect(harness.sink.all.isEmpty)
        #expect(harness.rejected("unbound_source") == 1)
        await harness.stop()
    }

    @Test func connectionsOverThePerSourceLimitAreRefused() async throws {
        var limits = IngestLimits()
        limits.maxConnectionsPerSource = 2
        let harness = try await ListenerHarness.start(limits: limits)
        let a = try await TestClient.connect(port: harness.port)
        let b = try await TestClient.connect(port: harness.port)
        try await a.send("<13>1 2026-11-21T03:00:00Z h app 1 - - a\n")
        try await b.send("<13>1 2026-11-21T03:00:00Z h app 1 - - b\n")
        #expect(await harness.sink.next(2).count == 2)
        let c = try await TestClient.connect(port: harness.port)
        await c.closed()
        #expect(harness.rejected("max_per_source") == 1)
        // A slot frees up when a connection closes.
        await a.close()
        #expect(await eventually { harness.listener.openConnections == 1 })
        let d = try await TestClient.connect(port: harness.port)
        try await d.send("<13>1 2026-11-21T03:00:00Z h app 1 - - d\n")
        #expect(await harness.sink.next(1).count == 1)
        await b.close()
        await d.close()
        await harness.stop()
    }

    @Test func aFullPipelineStopsReadingAndLosesNothing() async throws {
        var limits = IngestLimits()
        limits.maxBatchesInFlight = 2
        let harness = try await ListenerHarness.start(limits: limits)
        harness.sink.block()
        let client = try await TestClient.connect(port: harness.port)
        let line = "<13>1 2026-11-21T03:00:00Z host app 1 - - " + String(repeating: "x", count: 200) + "\n"
        let count = 100_000  // ~25 MB: far more than socket buffers hold
        let payload = Array(String(repeating: line, count: count).utf8)
        let write = Task { try await client.send(payload) }
        // While the sink is blocked the server must stop reading, so the write cannot finish.
        try await Task.sleep(for: .milliseconds(500))
        #expect(harness.sink.all.isEmpty)
        #expect(!write.isCancelled)
        harness.sink.unblock()
        try await write.value
        let events = await harness.sink.next(count, within: 60)
        #expect(events.count == count)
        #expect(harness.counter("vigil_ingest_parsed_total") == Int64(count))
        await client.close()
        await harness.stop()
    }

    @Test func shutdownClosesIdleSendersPromptly() async throws {
        let harness = try await ListenerHarness.start()
        let clients = try await withThrowingTaskGroup(of: TestClient.self) { group in
            for _ in 0..<5 { group.addTask { try await TestClient.connect(port: harness.port) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        try await clients[0].send("<13>1 2026-11-21T03:00:00Z h app 1 - - last words\n")
        #expect(await harness.sink.next(1).count == 1)
        let clock = ContinuousClock()
        let elapsed = await clock.measure { await harness.stop() }
        #expect(elapsed < .seconds(2))
        for client in clients { await client.closed() }
    }
}

@Suite struct IdleTimeoutTests {
    @Test func idleConnectionIsClosed() throws {
        let channel = EmbeddedChannel()
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let environment = IngestEnvironment(clock: ManualClock(.epoch), logger: logger)
        let listener = ListenerConfiguration(name: "idle-test", port: 0, binding: .fixed("bank-nord"))
        try channel.pipeline.syncOperations.addHandler(IdleTimeoutHandler(timeout: .seconds(60)))
        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(SyslogFrameDecoder()))
        try channel.pipeline.syncOperations.addHandler(EventDecodingHandler(listener: listener, parser: EventParser(protocol: .auto), environment: environment))
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 9)).wait()
        channel.embeddedEventLoop.advanceTime(by: .seconds(30))
        #expect(channel.isActive)
        try channel.writeInbound(ByteBuffer(string: "<13>hello\n"))
        channel.embeddedEventLoop.advanceTime(by: .seconds(59))
        #expect(channel.isActive)
        channel.embeddedEventLoop.advanceTime(by: .seconds(2))
        #expect(!channel.isActive)
        _ = TestMetricsBootstrap.metrics
    }
}
