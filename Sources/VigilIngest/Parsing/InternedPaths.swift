/// Prebuilt strings for field paths that JSON senders use all the time (ECS and common logger keys), so the
/// JSON flattener can reuse them instead of building a String per field.
///
/// Looked up by the path's FNV-1a hash (`FieldWriter`), then checked exactly (the parent path's interned index
/// and the key's bytes), so a key crafted to collide can never be mistaken for another field.
enum InternedPaths {
    static let names: [String] = [
        "@timestamp", "message", "msg", "tags", "labels", "level", "time", "timestamp", "severity", "logger", "hostname",
        "host", "pid", "app", "application", "module", "caller", "component", "request_id", "method", "path", "status",
        "ip", "duration", "error", "user", "service", "source", "event", "type", "id", "name", "version",
        "agent.name", "agent.type", "agent.version", "agent.id", "agent.hostname", "agent.ephemeral_id",
        "client.ip", "client.port", "client.address", "client.domain", "client.bytes",
        "cloud.provider", "cloud.region", "cloud.account.id", "cloud.instance.id", "cloud.availability_zone",
        "container.id", "container.name", "container.image.name", "container.runtime",
        "destination.ip", "destination.port", "destination.address", "destination.domain", "destination.bytes",
        "dns.question.name", "dns.question.type", "dns.response_code",
        "ecs.version", "error.message", "error.type", "error.code", "error.stack_trace",
        "event.action", "event.category", "event.code", "event.created", "event.dataset", "event.duration", "event.id",
        "event.ingested", "event.kind", "event.module", "event.original", "event.outcome", "event.provider",
        "event.reason", "event.severity", "event.type", "event.timezone", "event.sequence",
        "file.name", "file.path", "file.size", "file.extension", "file.hash.sha256", "file.hash.sha1", "file.hash.md5",
        "group.name", "group.id",
        "host.name", "host.hostname", "host.ip", "host.id", "host.mac", "host.architecture", "host.os.name",
        "host.os.version", "host.os.type", "host.os.family", "host.os.kernel", "host.os.platform",
        "http.request.method", "http.request.bytes", "http.response.status_code", "http.response.bytes", "http.version",
        "log.level", "log.logger", "log.file.path", "log.offset", "log.origin.file.name", "log.origin.file.line",
        "log.origin.function",
        "network.protocol", "network.transport", "network.direction", "network.bytes", "network.packets", "network.type",
        "network.community_id",
        "observer.name", "observer.vendor", "observer.product", "observer.type", "observer.hostname", "observer.ip",
        "observer.version",
        "process.name", "process.pid", "process.executable", "process.command_line", "process.args", "process.title",
        "process.working_directory", "process.entity_id", "process.exit_code", "process.thread.id",
        "process.parent.pid", "process.parent.name", "process.parent.executable",
        "rule.name", "rule.id", "rule.category", "rule.ruleset",
        "service.name", "service.type", "service.version", "service.environment", "service.id", "service.node.name",
        "source.ip", "source.port", "source.address", "source.domain", "source.bytes", "source.mac",
        "source.geo.country_iso_code", "source.geo.city_name", "source.user.name",
        "span.id", "trace.id", "transaction.id",
        "url.original", "url.full", "url.domain", "url.path", "url.query", "url.scheme", "url.port",
        "user.name", "user.id", "user.domain", "user.email", "user.full_name", "user.roles", "user.target.name",
        "user.effective.name", "user_agent.original", "user_agent.name",
        "kubernetes.namespace", "kubernetes.pod.name", "kubernetes.pod.uid", "kubernetes.container.name",
        "kubernetes.node.name", "kubernetes.labels.app",
        "threat.technique.id", "threat.tactic.name", "vulnerability.id",
    ]

    /// One interned path: `parent` (an interned index, or -1 at the top level) + `.` + the key bytes.
    struct Entry {
        var hash: UInt64
        var parent: Int32
        var index: Int32
        var keyStart: Int32
        var keyCount: Int32
    }

    /// The table, built once and never freed: open addressing over trivially-copyable entries.
    final class Table: @unchecked Sendable {
        static let shared = Table()

        static let slotCount = 2048
        let slots: UnsafeMutablePointer<Entry>
        let keyBytes: UnsafeMutablePointer<UInt8>
        let strings: [String]

        private init() {
            // Every ancestor of an interned path is interned too, so children can refer to their parent.
            var all: [String] = []
            var known: Set<String> = []
            for name in InternedPaths.names {
                var parts: [Substring] = []
                for part in name.split(separator: ".", omittingEmptySubsequences: false) {
                    parts.append(part)
                    let path = parts.joined(separator: ".")
                    if known.insert(path).inserted { all.append(path) }
                }
            }
            strings = all
            slots = .allocate(capacity: Self.slotCount)
            slots.initialize(repeating: Entry(hash: 0, parent: -1, index: -1, keyStart: 0, keyCount: 0), count: Self.slotCount)
            let totalKeyBytes = all.reduce(0) { $0 + $1.utf8.count }
            keyBytes = .allocate(capacity: max(1, totalKeyBytes))
            var offset = 0
            var indexOf: [String: Int32] = [:]
            for (index, path) in all.enumerated() {
                indexOf[path] = Int32(index)
                var h = FieldWriter.hashBasis
                for c in path.utf8 { h = FieldWriter.hash(h, c) }
                let parent: Int32
                let key: Substring
                if let dot = path.lastIndex(of: ".") {
                    parent = indexOf[String(path[..<dot])]!
                    key = path[path.index(after: dot)...]
                } else {
                    parent = -1
                    key = Substring(path)
                }
                let keyStart = offset
                for c in key.utf8 {
                    keyBytes[offset] = c
                    offset += 1
                }
                var slot = Int(truncatingIfNeeded: h) & (Self.slotCount - 1)
                while slots[slot].index >= 0 { slot = (slot + 1) & (Self.slotCount - 1) }
                slots[slot] = Entry(hash: h, parent: parent, index: Int32(index), keyStart: Int32(keyStart),
                                    keyCount: Int32(offset - keyStart))
            }
        }
    }

    /// The interned path for the key `b[s..<e]` under the interned path `parent` (-1: top level) whose full
    /// path hashes to `h`: its string and index, or nil.
    @inline(__always)
    static func lookup(
        in table: Table, hash h: UInt64, parent: Int32, _ b: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int
    ) -> (String, Int32)? {
        let mask = Table.slotCount &- 1
        var slot = Int(truncatingIfNeeded: h) & mask
        while true {
            let entry = table.slots[slot]
            if entry.index < 0 { return nil }
            if entry.hash == h, entry.parent == parent, Int(entry.keyCount) == e &- s {
                let key = table.keyBytes + Int(entry.keyStart)
                var same = true
                for k in 0..<(e &- s) where key[k] != b[s &+ k] {
                    same = false
                    break
                }
                if same { return (table.strings[Int(entry.index)], entry.index) }
            }
            slot = (slot &+ 1) & mask
        }
    }
}
