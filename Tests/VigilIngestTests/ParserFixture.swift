import Foundation
import Testing
import VigilEvents
@testable import VigilIngest

/// Shared test scaffolding: a fixed received time (no wall clock), the repo's extractors, parse shorthands.
enum ParserFixture {
    /// 2026-11-21T12:00:00Z: every test passes this as the received time.
    static let received = Timestamp(rfc3339: "2026-11-21T12:00:00Z")!

    static func context(received: Timestamp = received, zone: ZoneRules = .utc, sequence: UInt64 = 7) -> ParseContext {
        ParseContext(customer: "bank-nord", listener: "tcp-514", peer: "192.0.2.10", peerPort: 51514,
                     receivedTime: received, timeZone: zone, sequence: sequence)
    }

    /// The repository's `rules/extractors` directory, found from this file's path.
    static let extractorsDirectory: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.appendingPathComponent("rules/extractors").path
    }()

    static let extractors: ExtractorSet = {
        do {
            return try ExtractorSet.load(directory: extractorsDirectory)
        } catch {
            Issue.record("cannot load extractors: \(error)")
            return .empty
        }
    }()

    static func parse(
        _ text: String, _ wire: WireProtocol = .auto, received: Timestamp = received, zone: ZoneRules = .utc,
        extractors: ExtractorSet = .empty, limits: ParserLimits = .init()
    ) -> Result<Event, ParseError> {
        EventParser(protocol: wire, limits: limits, extractors: extractors)
            .parse(Array(text.utf8), context: context(received: received, zone: zone))
    }

    static func parse(_ bytes: [UInt8], _ wire: WireProtocol = .auto, limits: ParserLimits = .init()) -> Result<Event, ParseError> {
        EventParser(protocol: wire, limits: limits).parse(bytes, context: context())
    }

    /// The event, or a recorded failure.
    static func event(
        _ text: String, _ wire: WireProtocol = .auto, received: Timestamp = received, zone: ZoneRules = .utc,
        extractors: ExtractorSet = .empty, sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> Event {
        switch parse(text, wire, received: received, zone: zone, extractors: extractors) {
        case .success(let event): return event
        case .failure(let error):
            Issue.record("parse failed: \(error)", sourceLocation: sourceLocation)
            throw error
        }
    }

    /// The error code, or nil when the frame parsed.
    static func errorCode(_ text: String, _ wire: WireProtocol = .auto, limits: ParserLimits = .init()) -> String? {
        if case .failure(let error) = parse(text, wire, limits: limits) { return error.reason.code }
        return nil
    }

    static func errorCode(_ bytes: [UInt8], _ wire: WireProtocol = .auto, limits: ParserLimits = .init()) -> String? {
        if case .failure(let error) = parse(bytes, wire, limits: limits) { return error.reason.code }
        return nil
    }

    static func time(_ text: String) -> Timestamp { Timestamp(rfc3339: text)! }
}
