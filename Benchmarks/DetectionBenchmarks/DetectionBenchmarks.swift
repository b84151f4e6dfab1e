import Benchmark
import VigilDetection
import VigilEvents

// Detection benchmarks (ordo-one/benchmark): rule matching and correlation updates.
// Throughput is per event / per update (scaling factor kilo: each iteration handles 1,000).

/// Shifts a prepared event forward in time, so a long run keeps moving the watermark like live traffic.
@inline(__always)
func shifted(_ e: Event, by offset: TimeSpan) -> Event {
    var copy = e
    copy.eventTime = e.eventTime + offset
    copy.receivedTime = copy.eventTime
    return copy
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .instructions, .mallocCountTotal],
        scalingFactor: .kilo,
        maxDuration: .seconds(5),
        maxIterations: 10_000
    )

    // 1,000 rules (one in ten a correlation) over 50 customers, each enabling four fifths of them.
    let library = try! RuleLoader.load(sources: DetectionCorpus.sources(rules: 1_000, customers: 50))
    let mixed = DetectionCorpus.events(count: 200_000, customers: 50, matchPercent: 3)
    let quiet = DetectionCorpus.events(count: 200_000, customers: 50, matchPercent: 0)
    let span = mixed.last!.eventTime - mixed.first!.eventTime + .seconds(1)

    Benchmark("Match: 1,000 rules, 50 customers, mixed stream (~5% of events hit)") { benchmark in
        let engine = DetectionEngine(ruleSet: library)
        var round: Int64 = 0
        var i = 0
        for _ in benchmark.scaledIterations {
            blackHole(engine.process(shifted(mixed[i], by: span * round)))
            i += 1
            if i == mixed.count { i = 0; round += 1 }
        }
    }

    Benchmark("Match: 1,000 rules, 50 customers, quiet stream (~0.05% hit)") { benchmark in
        let engine = DetectionEngine(ruleSet: library)
        var round: Int64 = 0
        var i = 0
        for _ in benchmark.scaledIterations {
            blackHole(engine.process(shifted(quiet[i], by: span * round)))
            i += 1
            if i == quiet.count { i = 0; round += 1 }
        }
    }

    // One event_count correlation grouped by source.ip over 100,000 live keys, random updates that never fire.
    let base = "title: b\nname: b\nlogsource: {product: test}\ndetection:\n    sel:\n        event.action: login\n    condition: sel\n"
    let corr = "title: c\nid: c\ncorrelation:\n    type: event_count\n    rules: [b]\n    group-by: [source.ip]\n    timespan: 1h\n    condition: {gte: 1000000}\n"
    let counting = try! RuleLoader.load(sources: RuleSources(rules: [.init(path: "b.yml", text: base), .init(path: "c.yml", text: corr)]),
                                        options: RuleLoadOptions(defaultCustomer: "default"))
    let keys = 100_000
    let start = Timestamp(rfc3339: "2026-11-02T00:00:00Z")!
    var rng = DetectionCorpus.SplitMix64(state: 7)
    let updates: [Event] = (0..<(keys + 200_000)).map { i in
        let k = i < keys ? i : Int.random(in: 0..<keys, using: &rng)
        var f = Fields(minimumCapacity: 2)
        f.append("event.action", "login")
        f.append("source.ip", .string("10.\(k / 65536).\(k / 256 % 256).\(k % 256)"))
        let t = start + .nanoseconds(Int64(i) * 100_000)
        return Event(sequence: UInt64(i), customer: "default", eventTime: t, receivedTime: t, format: .json, fields: f)
    }
    for (lateness, label) in [(TimeSpan.zero, "0s"), (.seconds(30), "30s")] {
        Benchmark("Correlation updates: 100k live keys, lateness \(label)") { benchmark in
            let engine = DetectionEngine(ruleSet: counting, options: EngineOptions(allowedLateness: lateness))
            for e in updates.prefix(keys) { _ = engine.process(e) }
            benchmark.startMeasurement()
            var i = keys
            for _ in benchmark.scaledIterations {
                blackHole(engine.process(updates[i]))
                i += 1
                if i == updates.count { i = keys }
            }
            benchmark.stopMeasurement()
        }
    }

    let tenThousand = DetectionCorpus.sources(rules: 10_000, customers: 0)
    let tenThousandWithPlaybooks = DetectionCorpus.sources(rules: 10_000, customers: 50)
    Benchmark("Load + compile 10,000 rules", configuration: .init(scalingFactor: .one, maxDuration: .seconds(10), maxIterations: 5)) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try! RuleLoader.load(sources: tenThousand)) }
    }
    Benchmark("Load + compile 10,000 rules and 50 playbooks", configuration: .init(scalingFactor: .one, maxDuration: .seconds(20), maxIterations: 3)) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try! RuleLoader.load(sources: tenThousandWithPlaybooks)) }
    }
}
