import Foundation
import PostgresNIO
import Testing
import VigilEvents
import VigilIncidents
import VigilTestSupport
@testable import VigilOnCall
@testable import VigilStore

/// Several engines on one database, and an instance that dies between claiming a page and recording its outcome.
@Suite(.serialized) struct PagingExactlyOnceTests {
    @Test func twoInstancesOnOneDatabaseSendEachPageExactlyOnce() async throws {
        let receiver = try await TestHTTPReceiver.start()
        try await TestPostgres.withDatabase(maxConnections: 16) { client, _ in
            let clock = ManualClock(Paging.t0)
            try await Paging.apply(Paging.threeSteps(receiver), client: client, clock: clock)
            let engines = [Paging.engine(client, clock: clock, name: "vigil-a", maxParallelSends: 4),
                           Paging.engine(client, clock: clock, name: "vigil-b", maxParallelSends: 4)]
            let incidents = 30
            try await Paging.running(engines) {
                let hits = (1...incidents).map { Paging.hit(source: "203.0.113.\($0)") }
                let ids = try await Paging.raise(hits, client: client, clock: clock)
                #expect(ids.count == incidents)
                for (step, minutes) in [(1, 0), (2, 5), (3, 10)] {
                    try await Paging.advance(clock, to: Paging.t0 + .minutes(Int64(minutes)), client: client)
                    for engine in engines { engine.wake() }
                    #expect(try await Paging.eventually { receiver.requests.count >= step * incidents }, "step \(step): \(receiver.requests.count)")
                    #expect(try await Paging.eventually {
                        try await Paging.column(client, "SELECT count(*) FROM vigil.page_outbox WHERE status = 'sent'", as: Int.self) == [step * incidents]
                    })
                }
                try await Paging.advance(clock, to: Paging.t0 + .minutes(15), client: client)
                for engine in engines { engine.wake() }
                #expect(try await Paging.eventually {
                    try await Paging.column(client, "SELECT count(*) FROM vigil.escalations WHERE phase = 'exhausted'", as: Int.self) == [incidents]
                })
                try await Task.sleep(for: .milliseconds(200))
                let keys = receiver.requests.map { $0.headers.first(name: "Idempotency-Key") ?? "" }
                #expect(keys.count == 3 * incidents, "no page twice, none lost")
                #expect(Set(keys).count == keys.count, "duplicates: \(Dictionary(grouping: keys, by: { $0 }).filter { $0.value.count > 1 }.keys)")
                let expected = Set(ids.flatMap { id in ["\(id)/1/anna.webhook/1", "\(id)/2/ben.webhook/1", "\(id)/3/clara.webhook/1"] })
                #expect(Set(keys) == expected)
                #expect(try await Paging.column(client, "SELECT max(sends) FROM vigil.page_outbox", as: Int.self) == [1])
                let workers = try await Paging.column(client, "SELECT DISTINCT claimed_by FROM vigil.page_outbox ORDER BY 1", as: String.self)
                #expect(!workers.isEmpty && Set(workers).isSubset(of: ["vigil-a", "vigil-b"]))
            }
        }
        await receiver.shutdown()
    }

    /// Another instance claimed a page (marked it sending) and died before sending or recording anything.
    @Test func aLapsedLeaseIsSentAgainWithTheSameIdempotencyKey() async throws {
        let receiver = try await TestHTTPReceiver.start()
        try await TestPostgres.withDatabase(maxConnections: 8) { client, _ in
            let clock = ManualClock(Paging.t0)
            try await Paging.apply(Paging.threeSteps(receiver), client: client, clock: clock)
            let id = try #require(try await Paging.raise([Paging.hit()], client: client, clock: clock).first)
            let key = try await Self.claimAndDie(client: client, clock: clock, incident: id, as: "vigil-dead", lease: .seconds(30))
            let engine = Paging.engine(client, clock: clock, name: "vigil-b")
            try await Paging.running([engine]) {
                #expect(try await Paging.eventually {
                    try await Paging.column(client, "SELECT count(*) FROM vigil.escalations", as: Int.self) == [1]
                })
                engine.wake()
                try await Task.sleep(for: .milliseconds(300))
                #expect(receiver.requests.isEmpty, "the lease still holds")
                clock.set(Paging.t0 + .seconds(31))
                engine.wake()
                #expect(try await Paging.eventually { receiver.requests.count == 1 })
                #expect(receiver.requests.first?.headers.first(name: "Idempotency-Key") == key)
                #expect(try await Paging.eventually {
                    try await Paging.column(client, "SELECT status || ' ' || sends || ' ' || claimed_by FROM vigil.page_outbox", as: String.self)
                        == ["sent 2 vigil-b"]
                })
            }
        }
        await receiver.shutdown()
    }

    /// A restarted instance (same name) takes its own claims back at once instead of waiting for the lease.
    @Test func aRestartedInstanceResendsItsOwnClaimsAtOnce() async throws {
        let receiver = try await TestHTTPReceiver.start()
        try await TestPostgres.withDatabase(maxConnections: 8) { client, _ in
            let clock = ManualClock(Paging.t0)
            try await Paging.apply(Paging.threeSteps(receiver), client: client, clock: clock)
            let id = try #require(try await Paging.raise([Paging.hit()], client: client, clock: clock).first)
            let key = try await Self.claimAndDie(client: client, clock: clock, incident: id, as: "vigil-a", lease: .minutes(2))
            try await Paging.running([Paging.engine(client, clock: clock, name: "vigil-a")]) {
                let sent = try await Paging.eventually { receiver.requests.count == 1 }
                #expect(sent)
                #expect(receiver.requests.first?.headers.first(name: "Idempotency-Key") == key)
            }
        }
        await receiver.shutdown()
    }

    /// Starts the escalation and claims its first page as instance `name`, then "dies": returns the page's key.
    static func claimAndDie(client: PostgresClient, clock: ManualClock, incident: Int64, as name: String, lease: TimeSpan) async throws -> String {
        let stored = try #require(try await OnCallConfigStore(client: client, clock: clock, logger: Paging.logger).load())
        let runtime = PagingRuntime(revision: stored.revision, config: stored.config, ackLinks: Paging.ackLinks,
                                    channels: ChannelRegistry(channels: [:]))
        let store = EscalationStore(client: client, logger: Paging.logger)
        #expect(try await store.reconcile(incident, runtime: runtime, now: clock.now, maxIncidentAge: .hours(1)) == .started(policy: "three"))
        let claimed = try await store.claimPages(instance: name, lease: lease, now: clock.now, limit: 10)
        #expect(claimed.count == 1)
        #expect(try await store.claimPages(instance: "vigil-other", lease: lease, now: clock.now, limit: 10).isEmpty, "claimed rows are not claimed twice")
        return try #require(claimed.first).key.description
    }
}
