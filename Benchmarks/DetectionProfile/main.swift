import Foundation
import Glibc
import VigilDetection
import VigilEvents

// A plain executable over the detection corpus, for profilers (callgrind, perf) that the benchmark runner's
// malloc interposer gets in the way of. Usage: DetectionProfile [mixed|quiet|corr] [events] [stream size, or keys for corr];
// corr reads WINDOW (minutes), LATENESS (seconds), BATCH (events per `process(batch:)`, 0: one at a time) and CHUNKS.
func threadCPU() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

let args = CommandLine.arguments
let mode = args.count > 1 ? args[1] : "mixed"
let n = args.count > 2 ? Int(args[2])! : 200_000
let streamSize = args.count > 3 ? Int(args[3])! : 200_000

if mode == "corr" {
    // WINDOW=minutes (default 60): with 5, windows slide in steady state (each update appends one entry and
    // evicts about one); warm-up then also fills one window.
    let window = ProcessInfo.processInfo.environment["WINDOW"].flatMap { Int64($0) } ?? 60
    let set = DetectionCorpus.countingRules(timespan: "\(window)m")
    let keys = args.count > 3 ? streamSize : 100_000
    let start = Timestamp(rfc3339: "2026-11-02T00:00:00Z")!
    var rng = DetectionCorpus.SplitMix64(state: 7)
    let warm = keys + (window < 60 ? Int(window * 60_000) : 0)
    let updates = DetectionCorpus.loginUpdates(count: warm + n, keys: keys, start: start, using: &rng)
    // LATENESS=seconds (default 30, the engine's default); the ordo suite measures 0 and 30.
    let lateness = ProcessInfo.processInfo.environment["LATENESS"].flatMap { Int64($0) }.map { TimeSpan.seconds($0) } ?? EngineOptions().allowedLateness
    let engine = DetectionEngine(ruleSet: set, options: EngineOptions(allowedLateness: lateness))
    for e in updates.prefix(warm) { _ = engine.process(e) }
    // BATCH=n: n events per `process(batch:)` call, as a shard passes a connection's read burst (split up front).
    let batch = ProcessInfo.processInfo.environment["BATCH"].flatMap { Int($0) } ?? 0
    let batches = batch > 0 ? stride(from: warm, to: updates.count, by: batch).map { Array(updates[$0..<min($0 + batch, updates.count)]) } : []
    var b = 0
    let t0 = threadCPU()
    var hits = 0
    // CHUNKS=1: the rate of each 10,000 updates, to see a slow tail.
    let chunked = ProcessInfo.processInfo.environment["CHUNKS"] != nil
    var chunks: [Int] = []
    var chunkStart = t0
    var k = 0
    var i = warm
    while i < updates.count {
        if batch > 0 {
            hits += engine.process(batch: batches[b]).count
            k += batches[b].count
            i += batches[b].count
            b += 1
        } else {
            hits += engine.process(updates[i]).count
            k += 1
            i += 1
        }
        if chunked, k % 10_000 < max(batch, 1) {
            let now = threadCPU()
            chunks.append(Int(10_000 / (now - chunkStart) / 1000))
            chunkStart = now
        }
    }
    if chunked { print("k updates/s per 10k-update chunk:", chunks) }
    let dt = threadCPU() - t0
    print("corr: \(n) updates in \(dt) s CPU = \(Int(Double(n) / dt)) /s, hits \(hits), live \(engine.statistics.liveGroups)")
    if ProcessInfo.processInfo.environment["STATS"] != nil { print(engine.statistics) }
    exit(0)  // skip tearing down 100k groups: profiles show the updates only
} else {
    let library = try! RuleLoader.load(sources: DetectionCorpus.sources(rules: 1_000, customers: 50))
    var events = DetectionCorpus.events(count: streamSize, customers: 50, matchPercent: mode == "quiet" ? 0 : 3)
    let span = events.last!.eventTime - events.first!.eventTime + .seconds(1)
    let engine = DetectionEngine(ruleSet: library)
    let t0 = threadCPU()
    var hits = 0
    let chunked = ProcessInfo.processInfo.environment["CHUNKS"] != nil
    var chunks: [Int] = []
    var chunkStart = t0
    for k in 0..<n {
        let i = k % events.count
        if i == 0, k > 0 {
            // Next round: move the stream forward in place (a copy per event would cost the harness retains).
            for j in events.indices {
                events[j].eventTime = events[j].eventTime + span
                events[j].receivedTime = events[j].eventTime
            }
        }
        hits += engine.process(events[i]).count
        if chunked, k % 20_000 == 19_999 {
            let now = threadCPU()
            chunks.append(Int(20_000 / (now - chunkStart) / 1000))
            chunkStart = now
        }
    }
    if chunked { print("k events/s per 20k-event chunk:", chunks) }
    let dt = threadCPU() - t0
    let s = engine.statistics
    print("\(mode): \(n) events in \(dt) s CPU = \(Int(Double(n) / dt)) /s, hits \(hits), candidate tests/event \(Double(s.candidateTests) / Double(n)), matches \(s.detectionMatches)")
}
