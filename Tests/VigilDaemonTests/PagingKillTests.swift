import Foundation
import PostgresNIO
import Testing
import VigilTestSupport

/// The real `vigil serve`, killed with SIGKILL in the middle of an escalation and started again.
@Suite(.serialized) struct PagingKillTests {
    @Test func killMinusNineMidEscalationThenRestartLosesNoPageAndDuplicatesNone() async throws {
        // Slow answers keep pages in flight when the daemon dies.
        let receiver = try await PagingReceiver.start(delay: .milliseconds(150))
        try await TestPostgres.withDatabase(maxConnections: 4) { client, database in
            let incidents = 12, parallel = 2
            var daemon = try await PagingDaemon.start(database: database, receiver: receiver, instance: "vigil-a", maxParallel: parallel, lease: "3s")
            do {
                let ids = try await PagingDaemon.raise(count: incidents, client: client)
                #expect(ids.count == incidents)
                @Sendable func pagesAt(_ step: Int) -> Int { receiver.keys.filter { $0.contains("/\(step)/") }.count }

                // Step 1: die after a third of the pages; come back under the same name (its claims are taken back at once).
                #expect(try await PagingDaemon.eventually { pagesAt(1) >= incidents / 3 })
                await daemon.kill9()
                let atFirstKill = pagesAt(1)
                #expect(atFirstKill < incidents, "killed before step 1 was done")
                try await daemon.restart(database: database, receiver: receiver, instance: "vigil-a", maxParallel: parallel, lease: "3s")
                #expect(try await PagingDaemon.eventually { pagesAt(1) == incidents }, "step 1 after the restart: \(pagesAt(1))")

                // Step 2: die again; come back under another name, so the dead instance's claims wait for their 3 s leases.
                #expect(try await PagingDaemon.eventually {
                    try await PagingDaemon.column(client, "SELECT count(*) FROM vigil.page_outbox WHERE status = 'sent'", as: Int.self) == [incidents]
                })
                try await PagingDaemon.passStepDeadlines(client: client)
                #expect(try await PagingDaemon.eventually { pagesAt(2) >= incidents / 3 })
                await daemon.kill9()
                #expect(pagesAt(2) < incidents, "killed before step 2 was done")
                try await daemon.restart(database: database, receiver: receiver, instance: "vigil-b", maxParallel: parallel, lease: "3s")
                #expect(try await PagingDaemon.eventually { pagesAt(2) == incidents }, "step 2 after the restart: \(pagesAt(2))")

                // Step 3 without incident.
                #expect(try await PagingDaemon.eventually {
                    try await PagingDaemon.column(client, "SELECT count(*) FROM vigil.page_outbox WHERE status = 'sent'", as: Int.self) == [2 * incidents]
                })
                try await PagingDaemon.passStepDeadlines(client: client)
                #expect(try await PagingDaemon.eventually { pagesAt(3) == incidents })
                #expect(try await PagingDaemon.eventually {
                    try await PagingDaemon.column(client, "SELECT count(*) FROM vigil.page_outbox WHERE status = 'sent'", as: Int.self) == [3 * incidents]
                })

                // No page lost: exactly the expected pages, first attempts only.
                let expected = Set(ids.flatMap { id in ["\(id)/1/anna.webhook/1", "\(id)/2/ben.webhook/1", "\(id)/3/clara.webhook/1"] })
                #expect(receiver.keys == expected)
                // None duplicated: a page repeated after a kill carries the same key (the provider drops it);
                // only pages in flight at a kill can repeat, at most `parallel` per kill.
                let repeats = receiver.requests.count - receiver.keys.count
                #expect(repeats <= 2 * parallel, "\(repeats) repeats")
                for page in receiver.pages {
                    let copies = receiver.requests.filter { $0.key == page.key }
                    #expect(copies.allSatisfy { $0.body == page.body }, "a repeat is the same message")
                }
                #expect(try await PagingDaemon.column(client, "SELECT count(*) FROM vigil.page_outbox", as: Int.self) == [3 * incidents])
                let steps = try await PagingDaemon.column(client, """
                    SELECT count(*) FROM vigil.incident_timeline WHERE detail LIKE 'step_started:%' GROUP BY incident_id
                    """, as: Int.self)
                #expect(steps == Array(repeating: 3, count: incidents), "each step started once per incident")
                let resent = try await PagingDaemon.column(client, "SELECT count(*) FROM vigil.page_outbox WHERE sends > 1", as: Int.self)
                #expect(resent.first ?? 0 <= 2 * parallel)
                #expect(resent.first ?? 0 >= repeats, "every repeat the provider saw is a lapsed or released claim sent again")
            } catch {
                await daemon.stop()
                throw error
            }
            await daemon.stop()
        }
        await receiver.shutdown()
    }
}
