import Foundation
import Testing
import VigilEvents
@testable import VigilIngest

/// Hostile and broken input on one live connection: each problem is counted, the next good frame still arrives.
@Suite struct BadInputTests {
    static let good = "<13>1 2026-11-21T03:00:00Z host app 1 - - good"

    func expectRecovery(protocol wireProtocol: WireProtocol = .auto, maxFrameBytes: Int = 64 * 1024, within seconds: Double = 30,
                        send bad: [UInt8], counter: String, reason: String? = nil, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let harness = try await ListenerHarness.start(protocol: wireProtocol, maxFrameBytes: maxFrameBytes)
        let client = try await TestClient.connect(port: harness.port)
        try await client.send(bad)
        try await client.send("\n" + Self.good + "\n")
        let events = await harness.sink.next(1, within: seconds)
        #expect(events.map(\.message) == ["good"], sourceLocation: sourceLocation)
        #expect(harness.counter(counter, reason: reason) >= 1, "\(counter) \(reason ?? "")", sourceLocation: sourceLocation)
        #expect(harness.counter("vigil_ingest_parsed_total") == 1, sourceLocation: sourceLocation)
        await client.close()
        await harness.stop()
    }

    @Test func wrongOctetCountTooSmall() async throws {
        try await expectRecovery(send: Array("5 <13>1 2026-11-21T03:00:00Z host app 1 - - hello".utf8),
                                 counter: "vigil_ingest_malformed_total")
    }

    @Test func invalidUTF8() async throws {
        try await expectRecovery(send: Array("<13>1 2026-11-21T03:00:00Z host app 1 - - bad ".utf8) + [0xC3, 0x28, 0xFF],
                                 counter: "vigil_ingest_malformed_total", reason: "invalid_utf8")
    }

    @Test func tenMegabyteLine() async throws {
        try await expectRecovery(within: 120, send: Array(repeating: UInt8(ascii: "A"), count: 10 * 1024 * 1024),
                                 counter: "vigil_ingest_oversize_total")
    }

    @Test func jsonNestedTenThousandDeep() async throws {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        try await expectRecovery(send: Array(("{\"a\":" + deep + "}").utf8), counter: "vigil_ingest_malformed_total", reason: "json_depth")
    }

    @Test func invalidJSONEscape() async throws {
        try await expectRecovery(send: Array(#"{"message":"bad \q escape"}"#.utf8), counter: "vigil_ingest_malformed_total", reason: "bad_escape")
    }

    @Test func binaryGarbage() async throws {
        var rng = SystemRandomNumberGenerator()
        var garbage = (0..<4096).map { _ in UInt8.random(in: 0...255, using: &rng) }
        garbage.removeAll { $0 == 0x0A }
        garbage[0] = 0x01
        try await expectRecovery(send: garbage, counter: "vigil_ingest_malformed_total")
    }

    @Test func truncatedHeader() async throws {
        try await expectRecovery(send: Array("<13>1 2026-11-21T03:".utf8), counter: "vigil_ingest_malformed_total")
    }

    @Test func oversizeOctetCountedFrameIsSkipped() async throws {
        try await expectRecovery(maxFrameBytes: 1024, send: Array(("2000 " + String(repeating: "x", count: 2000)).utf8),
                                 counter: "vigil_ingest_oversize_total")
    }

    @Test func truncatedFrameAtCloseIsCounted() async throws {
        let harness = try await ListenerHarness.start()
        let client = try await TestClient.connect(port: harness.port)
        try await client.send(Self.good + "\n500 <13>1 2026-11-21T03:00:00Z cut off")
        #expect(await harness.sink.next(1).count == 1)
        await client.close()
        #expect(await eventually { harness.counter("vigil_ingest_truncated_total") == 1 })
        await harness.stop()
    }

    @Test func customerClaimInJSONIsIgnoredAndCounted() async throws {
        let harness = try await ListenerHarness.start(protocol: .json)
        let client = try await TestClient.connect(port: harness.port)
        try await client.send(#"{"message":"hi","customer":"leasing-west","tenant":{"id":"bank-nord"}}"# + "\n")
        let events = await harness.sink.next(1)
        #expect(events.first?.customer == "bank-nord")
        #expect(events.first?.fields["customer"] == nil)
        #expect(events.first?.fields["tenant.id"] == "bank-nord")
        #expect(harness.counter("vigil_ingest_rejected_customer_claims_total") == 1)
        await client.close()
        await harness.stop()
    }
}
