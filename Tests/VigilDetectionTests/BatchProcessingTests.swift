import Foundation
import Testing
import VigilEvents
@testable import VigilDetection

/// `process(batch:)` defers correlation input to the end of each batch; the hits must be those of `process` one
/// event at a time (detection hits come first within a batch, so hits compare as multisets).
@Suite("Batched processing against one event at a time")
struct BatchProcessingTests {
    typealias Property = SlidingWindowPropertyTests

    /// Runs `events` through two engines in lockstep, one event at a time and in batches of `sizes` (cycled);
    /// after every batch both must have returned the same hits so far. Returns every hit of the one-at-a-time engine.
    static func compare(_ set: RuleSet, _ events: [Event], lateness: TimeSpan, sizes: [Int],
                        sourceLocation: Testing.SourceLocation = #_sourceLocation) -> [Hit] {
        let options = EngineOptions(allowedLateness: lateness)
        let single = DetectionEngine(ruleSet: set, options: options)
        let batched = DetectionEngine(ruleSet: set, options: options)
        var all: [Hit] = []
        var i = 0
        var b = 0
        while i < events.count {
            let end = min(i + sizes[b % sizes.count], events.count)
            var one: [Hit] = []
            for e in events[i..<end] { one += single.process(e) }
            let many = batched.process(batch: Array(events[i..<end]))
            #expect(lines(many) == lines(one), "batch \(b) (events \(i)..<\(end))", sourceLocation: sourceLocation)
            #expect(batched.statistics.correlationUpdates == single.statistics.correlationUpdates, sourceLocation: sourceLocation)
            all += one
            i = end
            b += 1
        }
        if let last = events.map(\.eventTime).max() {
            let flushed = single.advance(to: last + lateness + .seconds(1))
            #expect(lines(batched.advance(to: last + lateness + .seconds(1))) == lines(flushed), sourceLocation: sourceLocation)
            all += flushed
        }
        return all
    }

    static func lines(_ hits: [Hit]) -> [String] { hits.map { HitJSON.line($0) }.sorted() }

    @Test(arguments: Property.Kind.allCases)
    func randomStreamsGiveTheSameHits(kind: Property.Kind) throws {
        var rng = SplitMix64(seed: 0xBA7C_0000 + UInt64(Property.Kind.allCases.firstIndex(of: kind)!))
        var compared = 0
        for round in 0..<12 {
            let threshold = Int.random(in: 2...4, using: &rng)
            let set = try load(Property.rules(kind, threshold: threshold))
            let inputs = Property.stream(&rng, count: Int.random(in: 50...200, using: &rng))
            for lateness: Int64 in [0, 45] {
                // Out of order by up to the lateness (none at 0), so batches hold late and reordered events too.
                let arrival = inputs.map { ($0, $0.time * 1000 + (lateness == 0 ? 0 : Int64.random(in: 0..<(lateness * 1000), using: &rng))) }
                    .sorted { $0.1 < $1.1 }.map(\.0)
                let events = arrival.map(Property.toEvent)
                let sizes = (0..<8).map { _ in Int.random(in: 1...40, using: &rng) }
                let hits = BatchProcessingTests.compare(set, events, lateness: .seconds(lateness), sizes: sizes)
                compared += hits.filter { $0.ruleID == "c" }.count
            }
        }
        #expect(compared > 10, "the streams should produce correlation hits to compare (\(compared))")
    }

    /// The starter library (chained correlations, suppression, detection hits) over the recorded brute-force stream.
    @Test func theLibraryGivesTheSameHitsOnARecordedStream() throws {
        let set = try RuleLoader.load(root: RepositoryRulesTests.root, options: .init(defaultCustomer: RuleLoadOptions.evalCustomer))
        let text = try String(contentsOfFile: RepositoryRulesTests.root + "/library/linux/ssh_brute_force.events.jsonl", encoding: .utf8)
        var events: [Event] = []
        var last = Timestamp.epoch
        for (i, line) in text.split(separator: "\n").enumerated() {
            let e = try JSONEventDecoder.decode(String(line), sequence: UInt64(i), customer: "default", fallbackTime: last)
            last = e.eventTime
            events.append(e)
        }
        for lateness: TimeSpan in [.zero, .seconds(30)] {
            for sizes in [[1], [3, 7], [512]] {
                let hits = BatchProcessingTests.compare(set, events, lateness: lateness, sizes: sizes)
                #expect(hits.count >= 2, "lateness \(lateness), batches \(sizes)")
            }
        }
    }
}
