import Testing
import VigilEvents
@testable import VigilDetection

/// A seeded generator, so every run sees the same "random" streams.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Compares the incremental sliding-window engine with a brute-force reference on random streams.
@Suite("Sliding windows against a naive reference")
struct SlidingWindowPropertyTests {
    struct Input {
        var time: Int64  // seconds after t0
        var group: String
        var stage: Int
        var value: String
        var number: Int
        var sequence: UInt64
    }

    /// A comparable summary of a hit.
    struct Outcome: Hashable, CustomStringConvertible {
        var group: String
        var sequences: [UInt64]
        var last: Int64
        var description: String { "\(group)@\(last):\(sequences)" }
    }

    enum Kind: CaseIterable { case eventCount, valueCount, valueSum, temporal, temporalOrdered }

    static let span: Int64 = 60

    static func rules(_ kind: Kind, threshold: Int) -> [String] {
        let stages = (0..<3).map { i in
            "title: stage \(i)\nname: s\(i)\nlogsource: {product: test}\ndetection:\n    sel:\n        stage: \(i)\n    condition: sel\n"
        }
        let anyStage = "title: any\nname: anyev\nlogsource: {product: test}\ndetection:\n    sel:\n        kind: x\n    condition: sel\n"
        let head = "title: c\nid: c\ncorrelation:\n"
        switch kind {
        case .eventCount:
            return [anyStage, head + "    type: event_count\n    rules: [anyev]\n    group-by: [g]\n    timespan: \(span)s\n    condition: {gte: \(threshold)}\n"]
        case .valueCount:
            return [anyStage, head + "    type: value_count\n    rules: [anyev]\n    group-by: [g]\n    timespan: \(span)s\n    condition: {field: v, gte: \(threshold)}\n"]
        case .valueSum:
            return [anyStage, head + "    type: value_sum\n    rules: [anyev]\n    group-by: [g]\n    timespan: \(span)s\n    condition: {field: n, gt: \(threshold * 40)}\n"]
        case .temporal:
            return stages + [head + "    type: temporal\n    rules: [s0, s1, s2]\n    group-by: [g]\n    timespan: \(span)s\n    condition: {gte: \(min(threshold, 3))}\n"]
        case .temporalOrdered:
            return stages + [head + "    type: temporal_ordered\n    rules: [s0, s1, s2]\n    group-by: [g]\n    timespan: \(span)s\n"]
        }
    }

    static func stream(_ rng: inout SplitMix64, count: Int) -> [Input] {
        var t: Int64 = 0
        var out: [Input] = []
        for i in 0..<count {
            t += Int64.random(in: 1...25, using: &rng)
            out.append(Input(time: t, group: "g\(Int.random(in: 0..<3, using: &rng))", stage: Int.random(in: 0..<3, using: &rng),
                             value: "v\(Int.random(in: 0..<5, using: &rng))", number: Int.random(in: 0...100, using: &rng), sequence: UInt64(i)))
        }
        return out
    }

    static func toEvent(_ i: Input) -> Event {
        event(fieldList: [("kind", "x"), ("g", .string(i.group)), ("stage", .int(Int64(i.stage))), ("v", .string(i.value)),
                          ("n", .int(Int64(i.number)))], time: at(i.time), sequence: i.sequence)
    }

    /// The brute-force reference: recompute each window from scratch; same suppression rule (quiet until a gap of one timespan).
    static func reference(_ kind: Kind, threshold: Int, _ inputs: [Input]) -> [Outcome] {
        struct State { var quiet = false; var lastActivity: Int64 = .min; var since: [Input] = [] }
        var states: [String: State] = [:]
        var out: [Outcome] = []
        for e in inputs.sorted(by: { ($0.time, $0.sequence) < ($1.time, $1.sequence) }) {
            var st = states[e.group] ?? State()
            defer { states[e.group] = st }
            if st.quiet {
                if e.time - st.lastActivity > span {
                    st.quiet = false
                    st.since = []
                } else {
                    st.lastActivity = e.time
                    continue
                }
            }
            st.lastActivity = e.time
            st.since.append(e)
            let window = st.since.filter { e.time - $0.time <= span }
            var fired: [Input]?
            switch kind {
            case .eventCount:
                if window.count >= threshold { fired = window }
            case .valueCount:
                if Set(window.map(\.value)).count >= threshold { fired = window }
            case .valueSum:
                if window.reduce(0, { $0 + $1.number }) > threshold * 40 { fired = window }
            case .temporal:
                if Set(window.map(\.stage)).count >= min(threshold, 3) { fired = window }
            case .temporalOrdered:
                // Any s0 < s1 < s2 chain (in stream order) ending with this event, all within the span.
                guard e.stage == 2 else { break }
                let earlier = window.dropLast()
                var best: [Input]?
                for a in earlier where a.stage == 0 {
                    for b in earlier where b.stage == 1 && (b.time, b.sequence) > (a.time, a.sequence) {
                        if best == nil || (a.time, a.sequence) > (best![0].time, best![0].sequence)
                            || ((a.time, a.sequence) == (best![0].time, best![0].sequence) && (b.time, b.sequence) > (best![1].time, best![1].sequence))
                        {
                            best = [a, b, e]
                        }
                    }
                }
                fired = best
            }
            if let fired {
                out.append(Outcome(group: e.group, sequences: fired.map(\.sequence), last: e.time))
                st.since = []
                st.quiet = true
            }
        }
        return out
    }

    static func engineOutcomes(_ set: RuleSet, _ events: [Event], lateness: TimeSpan) -> [Outcome] {
        run(set, events, lateness: lateness).filter { $0.ruleID == "c" }.map { hit in
            Outcome(group: hit.group.first?.value ?? "", sequences: hit.eventSequences, last: Int64((hit.lastTime - t0).seconds))
        }
    }

    @Test(arguments: Kind.allCases)
    func engineMatchesReference(kind: Kind) throws {
        var rng = SplitMix64(seed: 0x5EED_0000 + UInt64(Kind.allCases.firstIndex(of: kind)!))
        var total = 0
        defer { #expect(total > 20, "the streams should produce hits to compare (\(total))") }
        for round in 0..<25 {
            let threshold = Int.random(in: 2...5, using: &rng)
            let inputs = SlidingWindowPropertyTests.stream(&rng, count: Int.random(in: 20...250, using: &rng))
            let set = try load(SlidingWindowPropertyTests.rules(kind, threshold: threshold))
            let expected = SlidingWindowPropertyTests.reference(kind, threshold: threshold, inputs)
            let actual = SlidingWindowPropertyTests.engineOutcomes(set, inputs.map(SlidingWindowPropertyTests.toEvent), lateness: .zero)
            total += expected.count
            #expect(actual.map(\.description) == expected.map(\.description), "kind \(kind), round \(round), threshold \(threshold)")
            if actual != expected { return }
        }
    }

    @Test(arguments: Kind.allCases)
    func outOfOrderArrivalWithinLatenessGivesTheSameHits(kind: Kind) throws {
        var rng = SplitMix64(seed: 0xC0FFEE + UInt64(Kind.allCases.firstIndex(of: kind)!))
        let lateness: Int64 = 45
        for round in 0..<15 {
            let threshold = Int.random(in: 2...4, using: &rng)
            let inputs = SlidingWindowPropertyTests.stream(&rng, count: 150)
            let set = try load(SlidingWindowPropertyTests.rules(kind, threshold: threshold))
            let inOrder = SlidingWindowPropertyTests.engineOutcomes(set, inputs.map(SlidingWindowPropertyTests.toEvent), lateness: .seconds(lateness))
            // Each event is delayed by up to the lateness: never late, but often out of order.
            let shuffled = inputs.map { ($0, $0.time * 1000 + Int64.random(in: 0..<(lateness * 1000), using: &rng)) }
                .sorted { $0.1 < $1.1 }.map(\.0)
            let outOfOrder = SlidingWindowPropertyTests.engineOutcomes(set, shuffled.map(SlidingWindowPropertyTests.toEvent), lateness: .seconds(lateness))
            #expect(Set(outOfOrder) == Set(inOrder), "kind \(kind), round \(round)")
            #expect(inOrder == SlidingWindowPropertyTests.reference(kind, threshold: threshold, inputs))
        }
    }

    @Test func hitsHoldTheirInvariants() throws {
        var rng = SplitMix64(seed: 42)
        let inputs = SlidingWindowPropertyTests.stream(&rng, count: 400)
        let set = try load(SlidingWindowPropertyTests.rules(.eventCount, threshold: 3))
        let hits = run(set, inputs.map(SlidingWindowPropertyTests.toEvent)).filter { $0.ruleID == "c" }
        var used = Set<UInt64>()
        for hit in hits {
            #expect(hit.count >= 3)
            #expect(hit.lastTime - hit.firstTime <= .seconds(SlidingWindowPropertyTests.span))
            let groups = Set(hit.eventSequences.map { inputs[Int($0)].group })
            #expect(groups == [hit.group[0].value])
            for s in hit.eventSequences { #expect(used.insert(s).inserted, "event \(s) counted in two hits") }
        }
        #expect(!hits.isEmpty)
    }
}
