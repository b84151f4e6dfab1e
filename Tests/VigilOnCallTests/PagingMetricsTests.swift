import Metrics
import MetricsTestKit
import NIOHTTP1
import PostgresNIO
import Testing
import VigilEvents
import VigilTestSupport
@testable import VigilOnCall
@testable import VigilStore

/// The paging engine's metrics: pages by channel and outcome, and the first page's latency, against a real PostgreSQL
/// and HTTP receiver. Time comes from manual clocks, so the recorded latency is exact.
@Suite(.serialized) struct PagingMetricsTests {
    static func pages(_ metrics: TestMetrics, channel: String, outcome: String) -> Int64 {
        metrics.counters(label: PagingMetrics.pagesLabel, dimensions: [("channel", channel), ("outcome", outcome)])
            .reduce(0) { $0 + $1.totalValue }
    }

    static func latencies(_ metrics: TestMetrics, channel: String) -> [Int64] {
        metrics.timers(label: PagingMetrics.latencyLabel, dimensions: [("channel", channel)]).flatMap(\.values)
    }

    @Test func pagesCountByChannelAndOnlyTheIncidentsFirstPageRecordsItsLatency() async throws {
        let receiver = try await TestHTTPReceiver.start()
        let metrics = TestMetrics()
        try await TestPostgres.withDatabase(maxConnections: 8) { client, _ in
            // The sink commits the incident at t0; the engine's clock stands 1.5 s later when it sends.
            let clock = ManualClock(Paging.t0 + .milliseconds(1500))
            try await Paging.apply(Paging.threeSteps(receiver), client: client, clock: clock)
            try await Paging.raise([Paging.hit()], client: client, clock: ManualClock(Paging.t0))
            let engine = withMetricsFactory(metrics) { Paging.engine(client, clock: clock) }
            try await Paging.running([engine]) { () async throws in
                #expect(try await Paging.eventually { Paging.paths(receiver) == ["/anna"] })
                // Move the clock only once the outcome is recorded: past the lease, a page still `sending` goes out again.
                #expect(try await Paging.eventually {
                    try await Paging.column(client, "SELECT status FROM vigil.page_outbox", as: String.self) == ["sent"]
                })
                clock.set(Paging.t0 + .minutes(6))  // step 2 is due 5 min after paging started (t0 + 1.5 s)
                engine.wake()
                #expect(try await Paging.eventually { Paging.paths(receiver) == ["/anna", "/ben"] }, "\(Paging.paths(receiver))")
                // The outcome is counted before it is recorded in the outbox.
                #expect(try await Paging.eventually {
                    try await Paging.column(client, "SELECT status FROM vigil.page_outbox ORDER BY id", as: String.self) == ["sent", "sent"]
                })
            }
            #expect(Self.pages(metrics, channel: "webhook", outcome: "delivered") == 2)
            #expect(Self.pages(metrics, channel: "webhook", outcome: "permanent_failure") == 0)
            #expect(Self.latencies(metrics, channel: "webhook") == [1_500_000_000], "step 2 is an escalation, not a first page")
            // Every channel × outcome series exists from the start (at 0), so alert rules see the first failure.
            for kind in ContactKind.allCases {
                for outcome in ["delivered", "retryable_failure", "permanent_failure"] {
                    #expect(metrics.counters(label: PagingMetrics.pagesLabel, dimensions: [("channel", kind.rawValue), ("outcome", outcome)]).count == 1)
                }
            }
        }
        await receiver.shutdown()
    }

    @Test func aRefusedPageCountsAsPermanentFailureOfItsChannel() async throws {
        let receiver = try await TestHTTPReceiver.start { request, _ in
            request.uri == "/anna" ? TestHTTPReceiver.Response(status: .notFound, body: "no such hook") : TestHTTPReceiver.Response()
        }
        let metrics = TestMetrics()
        try await TestPostgres.withDatabase(maxConnections: 8) { client, _ in
            let clock = ManualClock(Paging.t0 + .seconds(2))
            try await Paging.apply(Paging.threeSteps(receiver), client: client, clock: clock)
            try await Paging.raise([Paging.hit()], client: client, clock: ManualClock(Paging.t0))
            let engine = withMetricsFactory(metrics) { Paging.engine(client, clock: clock) }
            try await Paging.running([engine]) { () async throws in
                #expect(try await Paging.eventually {
                    try await Paging.column(client, "SELECT status FROM vigil.page_outbox WHERE contact_id = 'anna.webhook'", as: String.self) == ["failed"]
                })
            }
            #expect(Self.pages(metrics, channel: "webhook", outcome: "permanent_failure") == 1)
            #expect(Self.latencies(metrics, channel: "webhook").first == 2_000_000_000, "the latency is measured when the send starts, whatever its outcome")
        }
        await receiver.shutdown()
    }

    @Test func aPageIsOwedFromTheIncidentsCommitUnlessPagingStartedLater() {
        let created = Paging.t0
        let soon = ClaimedPage.FirstPage(incidentCreatedAt: created, pagingStartedAt: created + .seconds(3))
        #expect(soon.owedSince(grace: .seconds(30)) == created)
        // An update raised the priority an hour later: paging was owed from then, not from the creation.
        let raised = ClaimedPage.FirstPage(incidentCreatedAt: created, pagingStartedAt: created + .hours(1))
        #expect(raised.owedSince(grace: .seconds(30)) == created + .hours(1))
    }
}
