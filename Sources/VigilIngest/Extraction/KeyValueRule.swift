import VigilEvents

/// `key=value` extraction (auditd, kernel firewall, PAM): a key table plus what to do with the rest.
///
/// Pairs are separated by spaces; a value is `"quoted"`, `'quoted'`, or runs to the next space.
/// Words without `=` (`DF`, `SYN`) are skipped. Keys listed in `nested` have their quoted value parsed as more pairs
/// (auditd's `msg='op=login acct="root" …'`).
public struct KeyValueRule: Sendable {
    /// Each key's targets (usually one).
    public var map: [String: [KeyValueTarget]]
    /// Keys that must all be present, or the rule does nothing.
    public var require: [String]
    public var nested: Set<String>
    /// Values treated as absent, such as `?` and the empty string.
    public var ignore: Set<String>
    /// Unmapped keys are stored under this prefix (`auditd.data.`); nil drops them.
    public var prefix: String?

    public init(map: [String: [KeyValueTarget]], require: [String] = [], nested: Set<String> = [], ignore: Set<String> = [""],
                prefix: String? = nil) {
        self.map = map
        self.require = require
        self.nested = nested
        self.ignore = ignore
        self.prefix = prefix
    }

    /// One pair as byte ranges.
    struct Pair {
        var key: (Int, Int)
        var value: (Int, Int)
    }

    /// Calls `body` for each pair in `b[start..<end]`, descending into `nested` keys' values once.
    func forEachPair(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, nestedDepth: Int = 0, _ body: (Pair) -> Void) {
        var i = start
        while i < end {
            while i < end, b[i] == 0x20 || b[i] == 0x09 { i += 1 }
            let k0 = i
            while i < end, b[i] != 0x20, b[i] != 0x09, b[i] != UInt8(ascii: "=") { i += 1 }
            guard i < end, b[i] == UInt8(ascii: "="), i > k0 else {
                // A bare word: skip it.
                while i < end, b[i] != 0x20, b[i] != 0x09 { i += 1 }
                continue
            }
            let k1 = i
            i += 1
            var v0 = i
            var v1: Int
            var quoted = false
            if i < end, b[i] == UInt8(ascii: "\"") || b[i] == UInt8(ascii: "'") {
                let q = b[i]
                v0 = i + 1
                i = v0
                while i < end, b[i] != q { i += 1 }
                v1 = i
                if i < end { i += 1 }
                quoted = true
            } else {
                while i < end, b[i] != 0x20, b[i] != 0x09 { i += 1 }
                v1 = i
            }
            if quoted, nestedDepth == 0, !nested.isEmpty, nested.contains(ByteText.string(b, k0, k1)) {
                forEachPair(b, v0, v1, nestedDepth: 1, body)
                continue
            }
            body(Pair(key: (k0, k1), value: (v0, v1)))
        }
    }

    /// Whether every key in `require` occurs in `b[start..<end]`.
    func requirementsMet(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        if require.isEmpty { return true }
        var missing = Set(require)
        forEachPair(b, start, end) { pair in
            if !missing.isEmpty { missing.remove(ByteText.string(b, pair.key.0, pair.key.1)) }
        }
        return missing.isEmpty
    }

    /// Applies the rule to `b[start..<end]`. Returns false (and changes nothing) when a required key is missing.
    @discardableResult
    func apply(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, to fields: inout Fields) -> Bool {
        guard requirementsMet(b, start, end) else { return false }
        var spans: [(Int, Int)] = []
        forEachPair(b, start, end) { pair in
            let (v0, v1) = pair.value
            let key = ByteText.string(b, pair.key.0, pair.key.1)
            if !ignore.isEmpty, ignore.contains(ByteText.string(b, v0, v1)) { return }
            guard let targets = map[key] else {
                if let prefix { fields[prefix + key] = .string(ByteText.string(b, v0, v1)) }
                return
            }
            for target in targets {
                if let pattern = target.pattern {
                    if spans.count < pattern.captures.count { spans = Array(repeating: (0, 0), count: pattern.captures.count) }
                    let matched = spans.withUnsafeMutableBufferPointer { buffer in pattern.match(b, v0, v1, spans: buffer) }
                    if matched {
                        for (index, capture) in pattern.captures.enumerated() where !capture.fields.isEmpty {
                            let (s, e) = spans[index]
                            guard let value = Extractor.captureValue(capture.type, b, s, e) else { continue }
                            for field in capture.fields { fields[field] = value }
                        }
                    }
                }
                if let field = target.field, let value = target.convert(b, v0, v1) {
                    fields[field] = value
                }
            }
        }
        return true
    }
}
