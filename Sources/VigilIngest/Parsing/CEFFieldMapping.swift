/// How a CEF extension key maps to an ECS field, besides being kept as `cef.ext.<key>`.
struct CEFFieldMapping: Sendable {
    enum Kind: Sendable {
        /// The value as a string.
        case string
        /// An integer; skipped when the value is not one.
        case int
        /// Lower-cased (protocol names).
        case lowercased
        /// `event.outcome`: success, failure or unknown.
        case outcome
    }

    var key: StaticString
    var field: String
    var kind: Kind

    init(_ key: StaticString, _ field: String, _ kind: Kind) {
        self.key = key
        self.field = field
        self.kind = kind
    }

    /// The index in `table` of the key `b[s..<e]`, compared as bytes (trivial values: no reference counting,
    /// no String, no hashing); only keys of the same length are compared.
    @inline(__always)
    static func lookup(_ b: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int) -> Int? {
        let n = e &- s
        guard n < byLength.count else { return nil }
        let (from, to) = byLength[n]
        var k = from
        while k < to {
            let index = Int(sortedIndices[k])
            let key = keys[index].utf8Start
            var same = true
            for j in 0..<n where key[j] != b[s &+ j] {
                same = false
                break
            }
            if same { return index }
            k &+= 1
        }
        return nil
    }

    /// `table` indices sorted by key length, and for each length the range of them that has it.
    private static let sortedIndices: [Int32] = table.indices.sorted { table[$0].key.utf8CodeUnitCount < table[$1].key.utf8CodeUnitCount }.map(Int32.init)
    private static let byLength: [(Int, Int)] = {
        let longest = table.map(\.key.utf8CodeUnitCount).max() ?? 0
        var ranges = [(Int, Int)](repeating: (0, 0), count: longest + 1)
        for length in 0...longest {
            let first = sortedIndices.firstIndex { table[Int($0)].key.utf8CodeUnitCount == length } ?? 0
            let count = sortedIndices.filter { table[Int($0)].key.utf8CodeUnitCount == length }.count
            ranges[length] = (first, first + count)
        }
        return ranges
    }()

    /// The mapped keys, parallel to `table`.
    static let keys: [StaticString] = table.map(\.key)

    /// ArcSight keys with an ECS counterpart. `suser`/`duser` also feed `user.name` (see `CEFParser`).
    static let table: [CEFFieldMapping] = [
        .init("src", "source.ip", .string),
        .init("spt", "source.port", .int),
        .init("shost", "source.domain", .string),
        .init("smac", "source.mac", .string),
        .init("suser", "source.user.name", .string),
        .init("suid", "source.user.id", .string),
        .init("dst", "destination.ip", .string),
        .init("dpt", "destination.port", .int),
        .init("dhost", "destination.domain", .string),
        .init("dmac", "destination.mac", .string),
        .init("duser", "destination.user.name", .string),
        .init("duid", "destination.user.id", .string),
        .init("act", "event.action", .string),
        .init("outcome", "event.outcome", .outcome),
        .init("reason", "event.reason", .string),
        .init("externalId", "event.id", .string),
        .init("proto", "network.transport", .lowercased),
        .init("app", "network.protocol", .lowercased),
        .init("in", "source.bytes", .int),
        .init("out", "destination.bytes", .int),
        .init("request", "url.original", .string),
        .init("requestMethod", "http.request.method", .string),
        .init("requestClientApplication", "user_agent.original", .string),
        .init("fname", "file.name", .string),
        .init("filePath", "file.path", .string),
        .init("fsize", "file.size", .int),
        .init("dvc", "observer.ip", .string),
        .init("dvchost", "observer.hostname", .string),
    ]

    /// Normalises outcome spellings to ECS `success` / `failure` / `unknown`.
    static func outcome(_ text: String) -> String {
        switch text.lowercased() {
        case "success", "succeeded", "successful", "succeed", "ok", "allowed", "allow", "true", "pass", "passed":
            return "success"
        case "failure", "failed", "fail", "denied", "deny", "blocked", "block", "rejected", "reject", "error", "false":
            return "failure"
        default:
            return "unknown"
        }
    }
}
