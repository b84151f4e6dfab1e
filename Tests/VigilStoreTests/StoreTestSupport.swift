import Foundation
import Logging
import PostgresNIO
import Testing
import VigilEvents
import VigilTestSupport
@testable import VigilStore

/// Helpers shared by the database tests.
enum StoreTest {
    static let logger = Logger(label: "vigil.store-tests")

    /// Runs a sink over `client` while `body` runs; cancels it afterwards and rethrows its error, if any.
    static func withSink<T: Sendable>(_ client: PostgresClient, settings: IncidentSinkSettings = IncidentSinkSettings(batchSize: 500),
                                      clock: ManualClock = ManualClock(Fixtures.t0), spoolDirectory: String? = nil,
                                      _ body: @Sendable (IncidentSink) async throws -> T) async throws -> T {
        let dir = try TemporaryDirectory(prefix: "vigil-sink")
        defer { dir.remove() }
        let sink = IncidentSink(client: client, settings: settings, spoolDirectory: spoolDirectory ?? dir.path, clock: clock, logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group -> T in
            group.addTask { try await sink.run() }
            let result = try await body(sink)
            group.cancelAll()
            try await group.waitForAll()
            return result
        }
    }

    /// The values of the first column of a query.
    static func column<T: PostgresDecodable & Sendable>(_ client: PostgresClient, _ query: PostgresQuery, as: T.Type = T.self) async throws -> [T] {
        var out: [T] = []
        for try await value in try await client.query(query, logger: logger).decode(T.self) { out.append(value) }
        return out
    }

    static func scalar<T: PostgresDecodable & Sendable>(_ client: PostgresClient, _ query: PostgresQuery, as: T.Type = T.self) async throws -> T {
        let values = try await column(client, query, as: T.self)
        return try #require(values.first)
    }

    /// Waits until every submitted hit is in the database (flush, then the spool replayed: lost races may spool a batch).
    static func drain(_ sink: IncidentSink) async throws {
        await sink.flush()
        let drained = try await eventually { sink.status.spoolPendingHits == 0 && sink.status.queueDepth == 0 }
        #expect(drained, "the sink did not drain: \(sink.status)")
    }

    /// Polls `condition` (for background replay) up to `seconds`; no assertion depends on the elapsed time.
    static func eventually(seconds: Double = 60, _ condition: @Sendable () async throws -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
        while ContinuousClock.now < deadline {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return try await condition()
    }
}
