import Foundation
import Logging
import VigilIncidents

/// The durable local queue for hits while PostgreSQL is away: an append-only, fsync'd file of records, replayed in order.
///
/// Files in the spool directory:
/// - `hits-<generation>.spool`: records `[u32 length][u32 crc32][payload]`, payload from ``HitCodec``;
/// - `hits.state`: `<generation> <offset>`, the replay position, replaced atomically (write, fsync, rename);
/// - `rejected.spool`: hits the database refused as invalid (same record format), kept for inspection.
///
/// Replay is at-least-once (the position is saved after the database commits); the incident store's hit ledger
/// makes it exactly-once. When everything is replayed, the next generation starts with an empty file; when the
/// replayed prefix is more than half of a large file, the tail is copied into the next generation.
/// A torn record at the end (a crash during append) is cut off when the spool opens.
/// Not thread-safe: the sink's run loop owns it.
final class HitSpool {
    let directory: String
    let logger: Logger
    private(set) var generation: Int
    private var fd: Int32 = -1
    /// Size of the current generation's file.
    private(set) var fileSize: Int64 = 0
    /// Replay position in the current generation's file.
    private(set) var offset: Int64 = 0
    /// Records between `offset` and the end.
    private(set) var pendingRecords: Int = 0

    static let headerSize = 8
    /// Files larger than this are compacted once more than half is replayed.
    var compactionThreshold: Int64 = 64 << 20

    init(directory: String, logger: Logger) throws(StoreError) {
        self.directory = directory
        self.logger = logger
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw StoreError(.spoolIO, "cannot create the spool directory \(directory): \(error.localizedDescription)")
        }
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        let generations = files.compactMap(HitSpool.generation(ofFile:)).sorted()
        var state = HitSpool.readState(directory)
        if state == nil || !generations.contains(state!.generation) {
            // No state (first start, or lost): replay the oldest file from the start; the ledger drops duplicates.
            state = (generations.first ?? 1, 0)
        }
        generation = state!.generation
        offset = state!.offset
        for old in generations where old < generation {
            unlink(path(generation: old))
        }
        let later = generations.filter { $0 > generation }
        if !later.isEmpty {
            // A compaction copy that was never committed: the current file still holds everything.
            for g in later { unlink(path(generation: g)) }
        }
        try openCurrent()
        try recover()
    }

    deinit {
        if fd >= 0 { close(fd) }
    }

    var pendingBytes: Int64 { fileSize - offset }
    var isEmpty: Bool { fileSize == offset }

    // MARK: Append

    /// Appends the hits as records and fsyncs before returning; returns the bytes written.
    @discardableResult
    func append(_ hits: [DetectedHit]) throws(StoreError) -> Int {
        guard !hits.isEmpty else { return 0 }
        var buffer: [UInt8] = []
        buffer.reserveCapacity(hits.count * 512)
        for hit in hits { HitSpool.appendRecord(hit, to: &buffer) }
        try writeAll(buffer, at: fileSize, fd: fd)
        guard fsync(fd) == 0 else { throw StoreError(.spoolIO, "fsync of the spool failed: errno \(errno)") }
        fileSize += Int64(buffer.count)
        pendingRecords += hits.count
        return buffer.count
    }

    static func appendRecord(_ hit: DetectedHit, to buffer: inout [UInt8]) {
        var w = ByteWriter()
        HitCodec.encode(hit, into: &w)
        var header = ByteWriter()
        header.u32(UInt32(w.bytes.count))
        header.u32(CRC32.checksum(w.bytes))
        buffer.append(contentsOf: header.bytes)
        buffer.append(contentsOf: w.bytes)
    }

    // MARK: Replay

    /// Reads up to `maxHits` records from the replay position; `end` is the position after them.
    func read(maxHits: Int) throws(StoreError) -> (hits: [DetectedHit], end: Int64) {
        var hits: [DetectedHit] = []
        var position = offset
        while hits.count < maxHits, position < fileSize {
            guard let (hit, next) = try readRecord(at: position) else {
                throw StoreError(.spoolIO, "corrupt spool record at byte \(position) of \(path(generation: generation))")
            }
            hits.append(hit)
            position = next
        }
        return (hits, position)
    }

    /// Records that everything before `end` is in the database; starts a new file when nothing is left.
    func markReplayed(through end: Int64, records: Int) throws(StoreError) {
        precondition(end >= offset && end <= fileSize)
        offset = end
        pendingRecords = max(0, pendingRecords - records)
        if offset == fileSize {
            try rotate(copyingTail: false)
        } else if fileSize > compactionThreshold && offset > fileSize / 2 {
            try rotate(copyingTail: true)
        } else {
            try HitSpool.writeState(directory, generation: generation, offset: offset)
        }
    }

    /// Keeps a hit the database refused, so it is not lost and not retried forever.
    func quarantine(_ hit: DetectedHit) throws(StoreError) {
        let path = directory + "/rejected.spool"
        let rfd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard rfd >= 0 else { throw StoreError(.spoolIO, "cannot open \(path): errno \(errno)") }
        defer { close(rfd) }
        var buffer: [UInt8] = []
        HitSpool.appendRecord(hit, to: &buffer)
        let end = lseek(rfd, 0, SEEK_END)
        try writeAll(buffer, at: Int64(end), fd: rfd)
        guard fsync(rfd) == 0 else { throw StoreError(.spoolIO, "fsync of \(path) failed: errno \(errno)") }
    }

    // MARK: Files

    func path(generation: Int) -> String {
        let digits = String(generation)
        return directory + "/hits-" + String(repeating: "0", count: max(0, 8 - digits.count)) + digits + ".spool"
    }

    static func generation(ofFile name: String) -> Int? {
        guard name.hasPrefix("hits-"), name.hasSuffix(".spool") else { return nil }
        return Int(name.dropFirst(5).dropLast(6))
    }

    private func openCurrent() throws(StoreError) {
        if fd >= 0 { close(fd) }
        let p = path(generation: generation)
        fd = open(p, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw StoreError(.spoolIO, "cannot open the spool \(p): errno \(errno)") }
        HitSpool.syncDirectory(directory)
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw StoreError(.spoolIO, "cannot stat the spool \(p): errno \(errno)") }
        fileSize = Int64(info.st_size)
        if offset > fileSize { offset = 0 }
    }

    /// Validates records from the replay position; cuts a torn tail.
    private func recover() throws(StoreError) {
        var position = offset
        var count = 0
        while position < fileSize {
            guard let (_, next) = try readRecord(at: position) else { break }
            position = next
            count += 1
        }
        if position < fileSize {
            logger.error("cutting a torn or corrupt spool tail", metadata: ["file": "\(path(generation: generation))", "at": "\(position)",
                                                                            "bytes": "\(fileSize - position)"])
            guard ftruncate(fd, off_t(position)) == 0, fsync(fd) == 0 else {
                throw StoreError(.spoolIO, "cannot truncate the spool: errno \(errno)")
            }
            fileSize = position
        }
        pendingRecords = count
        if count > 0 {
            logger.notice("spool holds hits to replay", metadata: ["hits": "\(count)", "bytes": "\(fileSize - offset)"])
        }
    }

    private func readRecord(at position: Int64) throws(StoreError) -> (DetectedHit, Int64)? {
        guard fileSize - position >= Int64(HitSpool.headerSize) else { return nil }
        let header = try readBytes(at: position, count: HitSpool.headerSize)
        var r = ByteReader(header)
        guard let length = try? r.u32(), let crc = try? r.u32() else { return nil }
        let end = position + Int64(HitSpool.headerSize) + Int64(length)
        guard end <= fileSize else { return nil }
        let payload = try readBytes(at: position + Int64(HitSpool.headerSize), count: Int(length))
        guard CRC32.checksum(payload) == crc else { return nil }
        var reader = ByteReader(payload)
        guard let hit = try? HitCodec.decode(&reader), reader.isAtEnd else { return nil }
        return (hit, end)
    }

    private func readBytes(at position: Int64, count: Int) throws(StoreError) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let n = out.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + done, count - done, off_t(position) + off_t(done)) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw StoreError(.spoolIO, "cannot read the spool: errno \(errno)") }
            done += n
        }
        return out
    }

    private func writeAll(_ bytes: [UInt8], at position: Int64, fd: Int32) throws(StoreError) {
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { pwrite(fd, $0.baseAddress! + done, bytes.count - done, off_t(position) + off_t(done)) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw StoreError(.spoolIO, "cannot write the spool: errno \(errno)") }
            done += n
        }
    }

    /// Moves to the next generation: empty, or holding the unreplayed tail.
    private func rotate(copyingTail: Bool) throws(StoreError) {
        let next = generation + 1
        let nextPath = path(generation: next)
        let nfd = open(nextPath, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard nfd >= 0 else { throw StoreError(.spoolIO, "cannot create \(nextPath): errno \(errno)") }
        var keep = true
        defer { if !keep { close(nfd) } }
        if copyingTail {
            var position = offset
            var written: Int64 = 0
            while position < fileSize {
                let chunk = try readBytes(at: position, count: Int(min(Int64(1 << 20), fileSize - position)))
                do {
                    try writeAll(chunk, at: written, fd: nfd)
                } catch {
                    keep = false
                    throw error
                }
                position += Int64(chunk.count)
                written += Int64(chunk.count)
            }
        }
        guard fsync(nfd) == 0 else {
            keep = false
            throw StoreError(.spoolIO, "fsync of \(nextPath) failed: errno \(errno)")
        }
        HitSpool.syncDirectory(directory)
        try HitSpool.writeState(directory, generation: next, offset: 0)
        let oldPath = path(generation: generation)
        close(fd)
        fd = nfd
        unlink(oldPath)
        HitSpool.syncDirectory(directory)
        fileSize = copyingTail ? fileSize - offset : 0
        offset = 0
        generation = next
    }

    static func readState(_ directory: String) -> (generation: Int, offset: Int64)? {
        guard let text = try? String(contentsOfFile: directory + "/hits.state", encoding: .utf8) else { return nil }
        let parts = text.split(whereSeparator: { $0 == " " || $0 == "\n" })
        guard parts.count == 2, let g = Int(parts[0]), let o = Int64(parts[1]), o >= 0 else { return nil }
        return (g, o)
    }

    static func writeState(_ directory: String, generation: Int, offset: Int64) throws(StoreError) {
        let tmp = directory + "/hits.state.tmp"
        let sfd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard sfd >= 0 else { throw StoreError(.spoolIO, "cannot write \(tmp): errno \(errno)") }
        let bytes = Array("\(generation) \(offset)\n".utf8)
        let n = bytes.withUnsafeBytes { write(sfd, $0.baseAddress!, bytes.count) }
        let synced = fsync(sfd) == 0
        close(sfd)
        guard n == bytes.count, synced, rename(tmp, directory + "/hits.state") == 0 else {
            throw StoreError(.spoolIO, "cannot save the spool position: errno \(errno)")
        }
        syncDirectory(directory)
    }

    static func syncDirectory(_ directory: String) {
        let dfd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard dfd >= 0 else { return }
        fsync(dfd)
        close(dfd)
    }
}
