import Benchmark
import VigilDetection
import VigilEvents

// Detection benchmarks (ordo-one/benchmark): rule matching and correlation updates.
// Throughput is per event / per update (scaling factor kilo: each iteration handles 1,000).

/// Feeds a stream to one engine across benchmark samples (the suite runs benchmarks one at a time, on one thread).
///
/// Events are passed borrowed, as a shard passes them from its batch; when the stream wraps, every event moves
/// forward by the stream's span in place (once per 200k events), so the watermark keeps moving like live traffic
/// without a copy of each event (whose retains would be the harness's cost, not the engine's).
final class StreamRunner: @unchecked Sendable {
    let engine: DetectionEngine
    var events: [Event]
    let span: TimeSpan
    var i = 0

    init(engine: DetectionEngine, events: [Event], span: TimeSpan) {
        self.engine = engine
        self.events = events
        self.span = span
    }

    @inline(__always)
    func next() -> [Hit] {
        let hits = engine.process(events[i])
        i += 1
        if i == events.count {
            i = 0
            for j in events.indices {
                events[j].eventTime = events[j].eventTime + span
                events[j].receivedTime = events[j].eventTime
            }
        }
        return hits
    }
}

/// A warmed engine fed the sliding-window stream in order (the benchmark caps its samples to the stream's length),
/// one event at a time or, with `batchSize`, in batches split up front (a shard gets them from a read burst).
final class SlidingRunner: @unchecked Sendable {
    let engine: DetectionEngine
    let events: [Event]
    let warm: Int
    let batchSize: Int
    private var i = 0
    private var batches: [[Event]] = []
    private var b = 0

    init(ruleSet: RuleSet, events: [Event], warm: Int, lateness: TimeSpan, batchSize: Int = 0) {
        engine = DetectionEngine(ruleSet: ruleSet, options: EngineOptions(allowedLateness: lateness))
        self.events = events
        self.warm = warm
        self.batchSize = batchSize
    }

    func warmUp() {
        guard i == 0 else { return }
        for e in events.prefix(warm) { _ = engine.process(e) }
        i = warm
        if batchSize > 0 {
            batches = stride(from: warm, to: events.count, by: batchSize).map { Array(events[$0..<min($0 + batchSize, events.count)]) }
        }
    }

    /// The next batch; returns how many events it held.
    @inline(__always)
    func nextBatch() -> Int {
        precondition(b < batches.count, "the sliding stream ran out: raise its length or lower maxIterations")
        blackHole(engine.process(batch: batches[b]))
        b += 1
        return batchSize
    }

    @inline(__always)
    func next() -> Int {
        precondition(i < events.count, "the sliding stream ran out: raise its length or lower maxIterations")
        let n = engine.process(events[i]).count
        i += 1
        return n
    }
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

    // One engine per stream, kept across samples: each sample (1,000 events) continues where the last stopped, so
    // the run walks the whole stream on a warm engine, as a long-running shard does. (Creating the engine in every
    // sample measured the first 1,000 events only, plus the one-time setup of 50 customer runtimes.)
    let mixedRunner = StreamRunner(engine: DetectionEngine(ruleSet: library), events: mixed, span: span)
    Benchmark("Match: 1,000 rules, 50 customers, mixed stream (~5% of events hit)") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(mixedRunner.next()) }
    }

    let quietRunner = StreamRunner(engine: DetectionEngine(ruleSet: library), events: quiet, span: span)
    Benchmark("Match: 1,000 rules, 50 customers, quiet stream (~0.05% hit)") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(quietRunner.next()) }
    }

    // One event_count correlation grouped by source.ip over 100,000 live keys, random updates that never fire.
    // Events are 1 ms apart. Setup creates every key and, with lateness L, feeds L / 1 ms more events, so the
    // watermark trails the input and each measured event releases one buffered event into a window: the figure
    // counts processed updates (checked after each sample), not only buffering.
    let counting = DetectionCorpus.countingRules(timespan: "1h")
    let keys = 100_000
    let step: Int64 = 1_000_000  // loginUpdates' spacing
    let start = Timestamp(rfc3339: "2026-11-02T00:00:00Z")!
    var rng = DetectionCorpus.SplitMix64(state: 7)
    let updates = DetectionCorpus.loginUpdates(count: keys + 240_000, keys: keys, start: start, using: &rng)
    for (lateness, label) in [(TimeSpan.zero, "0s"), (.seconds(30), "30s")] {
        Benchmark("Correlation updates: 100k live keys, lateness \(label)") { benchmark in
            let engine = DetectionEngine(ruleSet: counting, options: EngineOptions(allowedLateness: lateness))
            let warm = keys + Int(lateness.nanoseconds / step) + 1
            for e in updates.prefix(warm) { _ = engine.process(e) }
            let before = engine.statistics.correlationUpdates
            benchmark.startMeasurement()
            var i = warm
            for _ in benchmark.scaledIterations {
                blackHole(engine.process(updates[i]))
                i += 1
            }
            benchmark.stopMeasurement()
            let processed = engine.statistics.correlationUpdates - before
            precondition(processed == UInt64(i - warm), "every measured event must reach its window (\(processed) of \(i - warm))")
        }
    }

    // Steady state: the same updates under a 5-minute window. Warm-up creates every key and fills one window
    // (300,000 events 1 ms apart, ~3 per key); from then on each update appends one entry and evicts about one,
    // releasing its event, as a long-running daemon does. (Above, the 1-hour window only fills.)
    let sliding = DetectionCorpus.countingRules(timespan: "5m")
    let slidingWarm = keys + 300_000
    let slidingUpdates = DetectionCorpus.loginUpdates(count: slidingWarm + 330_000, keys: keys, start: start, using: &rng)
    // One engine per lateness for every sample (warming 400,000 events per sample would dominate the run):
    // samples continue the stream where the previous one stopped. With lateness 30 s the warm-up also fills the
    // buffer, so each measured event releases one buffered event into its window (the daemon's default path).
    for (lateness, label) in [(TimeSpan.zero, "0s"), (.seconds(30), "30s")] {
        let runner = SlidingRunner(ruleSet: sliding, events: slidingUpdates,
                                   warm: slidingWarm + Int(lateness.nanoseconds / step) + 1, lateness: lateness)
        Benchmark("Correlation updates: 100k live keys, 5 min sliding window (steady state), lateness \(label)",
                  configuration: .init(metrics: [.wallClock, .throughput, .instructions, .mallocCountTotal], scalingFactor: .kilo,
                                       maxDuration: .seconds(5), maxIterations: 290)) { benchmark in
            runner.warmUp()
            let before = runner.engine.statistics.correlationUpdates
            benchmark.startMeasurement()
            var n = 0
            for _ in benchmark.scaledIterations {
                blackHole(runner.next())
                n += 1
            }
            benchmark.stopMeasurement()
            let after = runner.engine.statistics
            precondition(after.correlationUpdates - before == UInt64(n), "every measured event must reach its window")
            precondition(after.liveGroups > 99_000, "about 100k keys stay live (\(after.liveGroups))")
        }
    }

    // The same, in batches of 250 events (`process(batch:)`, as a shard passes a connection's read burst; the
    // ingest cuts bursts at 512): each sample is four batches, and the lateness-0 updates take the pending queue
    // with its prefetching too.
    for (lateness, label) in [(TimeSpan.zero, "0s"), (.seconds(30), "30s")] {
        let runner = SlidingRunner(ruleSet: sliding, events: slidingUpdates,
                                   warm: slidingWarm + Int(lateness.nanoseconds / step) + 1, lateness: lateness, batchSize: 250)
        Benchmark("Correlation updates: 100k live keys, 5 min sliding window (steady state), batches of 250, lateness \(label)",
                  configuration: .init(metrics: [.wallClock, .throughput, .instructions, .mallocCountTotal], scalingFactor: .kilo,
                                       maxDuration: .seconds(5), maxIterations: 290)) { benchmark in
            runner.warmUp()
            let before = runner.engine.statistics.correlationUpdates
            benchmark.startMeasurement()
            var n = 0
            while n < benchmark.scaledIterations.count { n += runner.nextBatch() }
            benchmark.stopMeasurement()
            let after = runner.engine.statistics
            precondition(after.correlationUpdates - before == UInt64(n), "every measured event must reach its window")
            precondition(after.liveGroups > 99_000, "about 100k keys stay live (\(after.liveGroups))")
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
