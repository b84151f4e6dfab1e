/// Known CEF extension keys: their prebuilt `cef.ext.<key>` path and, for common ArcSight keys, the ECS field
/// they also feed.
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
    /// The ECS field, or nil for a known key that only gets its `cef.ext.` path.
    var field: String?
    var kind: Kind
    /// `cef.ext.<key>`, built once.
    let extPath: String
    /// Bloom bits (`FieldWriter`) of `extPath` and `field`.
    let extBit: UInt8
    let fieldBit: UInt8

    init(_ key: StaticString, _ field: String?, _ kind: Kind) {
        self.key = key
        self.field = field
        self.kind = kind
        extPath = "cef.ext." + key.description
        extBit = FieldWriter.bit(extPath)
        fieldBit = field.map(FieldWriter.bit) ?? 0
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
        .init("msg", nil, .string),
        .init("rt", nil, .string),
        .init("start", nil, .string),
        .init("end", nil, .string),
        .init("cat", nil, .string),
        .init("cnt", nil, .string),
        .init("cs1", nil, .string),
        .init("cs2", nil, .string),
        .init("cs3", nil, .string),
        .init("cs4", nil, .string),
        .init("cs5", nil, .string),
        .init("cs6", nil, .string),
        .init("cs1Label", nil, .string),
        .init("cs2Label", nil, .string),
        .init("cs3Label", nil, .string),
        .init("cs4Label", nil, .string),
        .init("cs5Label", nil, .string),
        .init("cs6Label", nil, .string),
        .init("cn1", nil, .string),
        .init("cn2", nil, .string),
        .init("cn3", nil, .string),
        .init("cn1Label", nil, .string),
        .init("cn2Label", nil, .string),
        .init("cn3Label", nil, .string),
        .init("cfp1", nil, .string),
        .init("cfp2", nil, .string),
        .init("cfp3", nil, .string),
        .init("cfp4", nil, .string),
        .init("cfp1Label", nil, .string),
        .init("cfp2Label", nil, .string),
        .init("cfp3Label", nil, .string),
        .init("cfp4Label", nil, .string),
        .init("deviceExternalId", nil, .string),
        .init("deviceDirection", nil, .string),
        .init("deviceFacility", nil, .string),
        .init("deviceProcessName", nil, .string),
        .init("deviceInboundInterface", nil, .string),
        .init("deviceOutboundInterface", nil, .string),
        .init("sproc", nil, .string),
        .init("dproc", nil, .string),
        .init("spid", nil, .string),
        .init("dpid", nil, .string),
        .init("sntdom", nil, .string),
        .init("dntdom", nil, .string),
        .init("fileHash", nil, .string),
        .init("oldFileName", nil, .string),
        .init("destinationServiceName", nil, .string),
        .init("requestContext", nil, .string),
        .init("sourceTranslatedAddress", nil, .string),
        .init("sourceTranslatedPort", nil, .string),
        .init("destinationTranslatedAddress", nil, .string),
        .init("destinationTranslatedPort", nil, .string),
        .init("flexString1", nil, .string),
        .init("flexString2", nil, .string),
        .init("dtz", nil, .string),
        .init("art", nil, .string),
        .init("c6a1", nil, .string),
        .init("c6a2", nil, .string),
        .init("c6a3", nil, .string),
        .init("c6a4", nil, .string),
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
