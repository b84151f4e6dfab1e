import Foundation
import Logging
import Testing
import VigilDetection
import VigilEvents
import VigilIncidents
import VigilTestSupport
@testable import VigilStore

@Suite("Hit spool")
struct HitSpoolTests {
    let logger = Logger(label: "test")

    @Test("a hit with evidence, fields of every type, odd bytes and an override survives encoding")
    func codecRoundTrip() throws {
        var fields = Fields()
        fields.append("user.name", "ro\0ot")
        fields.append("process.pid", .int(4711))
        fields.append("score", .double(0.25))
        fields.append("event.outcome", .bool(false))
        fields.append("empty", .null)
        fields.append("list", .array([.string("a"), .array([.int(1)])]))
        var hit = Fixtures.hit(level: .high, events: 2, impact: .high)
        hit.evidence[0] = Fixtures.event(1, fields: fields, raw: [0xFF, 0x00, 0x41])
        hit.severityOverride = SeverityOverride(level: .critical, requestedBy: "CISO", reason: "contract")
        let detected = Fixtures.detected(hit, at: 42)
        var w = ByteWriter()
        HitCodec.encode(detected, into: &w)
        var r = ByteReader(w.bytes)
        let back = try HitCodec.decode(&r)
        #expect(r.isAtEnd)
        #expect(back.detectedAt == detected.detectedAt)
        #expect(back.hit.id == hit.id)
        #expect(back.hit.level == .high && back.hit.impact == .high && back.hit.urgency == nil)
        #expect(back.hit.group == hit.group)
        #expect(back.hit.severityOverride == hit.severityOverride)
        #expect(back.hit.evidence.count == 2)
        #expect(back.hit.evidence[0].fields == fields)
        #expect(back.hit.evidence[0].raw == [0xFF, 0x00, 0x41])
        #expect(back.hit.evidence[1].message == hit.evidence[1].message)
        #expect(back.hit.responseSteps == hit.responseSteps)
    }

    @Test("truncated input is refused, never crashes")
    func truncated() {
        var w = ByteWriter()
        HitCodec.encode(Fixtures.detected(Fixtures.hit(events: 3)), into: &w)
        for cut in stride(from: 0, to: w.bytes.count, by: 7) {
            var r = ByteReader(Array(w.bytes[..<cut]))
            #expect(throws: ByteReader.Error.self) { try HitCodec.decode(&r) }
        }
    }

    @Test("appended hits are read back in order; replayed hits are not read again after reopening")
    func appendReplayReopen() throws {
        try withTemporaryDirectory { dir in
            let hits = (0..<5).map { Fixtures.detected(Fixtures.hit(firstSequence: UInt64($0)), at: Int64($0)) }
            do {
                let spool = try HitSpool(directory: dir.path, logger: logger)
                try spool.append(Array(hits[0..<3]))
                try spool.append(Array(hits[3...]))
                #expect(spool.pendingRecords == 5)
                let (first, end) = try spool.read(maxHits: 2)
                #expect(first.map(\.hit.id) == hits[0..<2].map(\.hit.id))
                try spool.markReplayed(through: end, records: first.count)
            }
            let reopened = try HitSpool(directory: dir.path, logger: logger)
            #expect(reopened.pendingRecords == 3)
            let (rest, end) = try reopened.read(maxHits: 10)
            #expect(rest.map(\.hit.id) == hits[2...].map(\.hit.id))
            try reopened.markReplayed(through: end, records: rest.count)
            #expect(reopened.isEmpty)
            #expect(reopened.fileSize == 0)
            // A fully replayed spool starts a new generation file; the old one is gone.
            let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".spool") }
            #expect(files.count == 1)
        }
    }

    @Test("a torn record at the end (crash during append) is cut off; earlier records survive")
    func tornTail() throws {
        try withTemporaryDirectory { dir in
            let hits = (0..<3).map { Fixtures.detected(Fixtures.hit(firstSequence: UInt64($0))) }
            let path: String
            do {
                let spool = try HitSpool(directory: dir.path, logger: logger)
                try spool.append(hits)
                path = spool.path(generation: spool.generation)
            }
            let size = try #require(FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
            let handle = try #require(FileHandle(forUpdatingAtPath: path))
            try handle.truncate(atOffset: UInt64(size - 10))
            try handle.close()
            let reopened = try HitSpool(directory: dir.path, logger: logger)
            #expect(reopened.pendingRecords == 2)
            #expect(try reopened.read(maxHits: 10).hits.map(\.hit.id) == hits[0..<2].map(\.hit.id))
        }
    }

    @Test("a large, mostly replayed file is compacted into the next generation without losing the tail")
    func compaction() throws {
        try withTemporaryDirectory { dir in
            let spool = try HitSpool(directory: dir.path, logger: logger)
            spool.compactionThreshold = 4096
            let hits = (0..<40).map { Fixtures.detected(Fixtures.hit(events: 2, firstSequence: UInt64($0))) }
            try spool.append(hits)
            let generation = spool.generation
            let (first, end) = try spool.read(maxHits: 30)
            try spool.markReplayed(through: end, records: first.count)
            #expect(spool.generation == generation + 1)
            #expect(spool.offset == 0)
            let reopened = try HitSpool(directory: dir.path, logger: logger)
            #expect(try reopened.read(maxHits: 100).hits.map(\.hit.id) == hits[30...].map(\.hit.id))
        }
    }

    @Test("refused hits are kept in rejected.spool")
    func quarantine() throws {
        try withTemporaryDirectory { dir in
            let spool = try HitSpool(directory: dir.path, logger: logger)
            try spool.quarantine(Fixtures.detected(Fixtures.hit()))
            let size = try #require(FileManager.default.attributesOfItem(atPath: dir.file("rejected.spool"))[.size] as? Int)
            #expect(size > 100)
            #expect(spool.isEmpty)
        }
    }

    func withTemporaryDirectory(_ body: (TemporaryDirectory) throws -> Void) throws {
        let dir = try TemporaryDirectory(prefix: "vigil-spool")
        defer { dir.remove() }
        try body(dir)
    }
}
