import Benchmark
import Foundation
import NIOCore
import VigilEvents
import VigilIngest

// Each benchmark iteration handles all 1,000 lines of a corpus once (scaling factor kilo):
// lines per second = 1,000 × the reported throughput (iterations/s).

let context = ParseContext(customer: "bench", listener: "bench", peer: "127.0.0.1", peerPort: 5140,
                           receivedTime: Timestamp(seconds: 1_795_254_400))

/// The shipped extractors, found from this file's path (Benchmarks/IngestBenchmarks → ../../rules/extractors).
let extractors: ExtractorSet = {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    return (try? ExtractorSet.load(directory: root.appendingPathComponent("rules/extractors").path)) ?? .empty
}()

@inline(__always)
func parseAll(_ parser: EventParser, _ lines: [[UInt8]], _ benchmark: Benchmark) {
    for i in benchmark.scaledIterations {
        lines[i].withUnsafeBytes { blackHole(parser.parse($0, context: context)) }
    }
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .instructions, .mallocCountTotal],
        scalingFactor: .kilo,
        maxDuration: .seconds(3),
        maxIterations: 100_000
    )

    let syslog = EventParser(protocol: .syslog)
    let syslogExtracting = EventParser(protocol: .syslog, extractors: extractors)
    let json = EventParser(protocol: .json)
    let cef = EventParser(protocol: .cef)
    let auto = EventParser(protocol: .auto)

    Benchmark("Parse RFC 5424") { benchmark in parseAll(syslog, IngestCorpus.rfc5424, benchmark) }
    Benchmark("Parse RFC 5424 + extractors") { benchmark in parseAll(syslogExtracting, IngestCorpus.rfc5424, benchmark) }
    Benchmark("Parse RFC 3164") { benchmark in parseAll(syslog, IngestCorpus.rfc3164, benchmark) }
    Benchmark("Parse RFC 3164 + extractors") { benchmark in parseAll(syslogExtracting, IngestCorpus.rfc3164, benchmark) }
    Benchmark("Parse JSON (~300 B)") { benchmark in parseAll(json, IngestCorpus.json, benchmark) }
    Benchmark("Parse CEF") { benchmark in parseAll(cef, IngestCorpus.cef, benchmark) }
    Benchmark("Parse auto (mixed formats)") { benchmark in
        for i in benchmark.scaledIterations {
            let line: [UInt8]
            switch i & 3 {
            case 0: line = IngestCorpus.rfc5424[i]
            case 1: line = IngestCorpus.rfc3164[i]
            case 2: line = IngestCorpus.json[i]
            default: line = IngestCorpus.cef[i]
            }
            line.withUnsafeBytes { blackHole(auto.parse($0, context: context)) }
        }
    }

    Benchmark("Frame octet-counted (SyslogFrameDecoder)") { benchmark in
        var decoder = SyslogFrameDecoder()
        var buffer = IngestCorpus.rfc5424OctetCounted
        while let frame = try decoder.decode(buffer: &buffer) { blackHole(frame) }
    }

    Benchmark("Frame LF (SyslogFrameDecoder, ~300 B JSON lines)") { benchmark in
        var decoder = SyslogFrameDecoder(mode: .lineFeed)
        var buffer = IngestCorpus.jsonLines
        while let frame = try decoder.decode(buffer: &buffer) { blackHole(frame) }
    }

    Benchmark("Frame + parse RFC 5424 (octet-counted)") { benchmark in
        var decoder = SyslogFrameDecoder()
        var buffer = IngestCorpus.rfc5424OctetCounted
        while let frame = try decoder.decode(buffer: &buffer) {
            if case .message(let bytes) = frame {
                bytes.withUnsafeReadableBytes { blackHole(syslog.parse($0, context: context)) }
            }
        }
    }

    Benchmark("Frame + parse JSON (LF)") { benchmark in
        var decoder = SyslogFrameDecoder(mode: .lineFeed)
        var buffer = IngestCorpus.jsonLines
        while let frame = try decoder.decode(buffer: &buffer) {
            if case .message(let bytes) = frame {
                bytes.withUnsafeReadableBytes { blackHole(json.parse($0, context: context)) }
            }
        }
    }

    Benchmark("Baseline: JSONSerialization (~300 B)", configuration: .init(maxDuration: .seconds(2))) { benchmark in
        for i in benchmark.scaledIterations {
            blackHole(try? JSONSerialization.jsonObject(with: Data(IngestCorpus.json[i])))
        }
    }
}
