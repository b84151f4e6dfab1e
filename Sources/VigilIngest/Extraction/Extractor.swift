import VigilEvents

/// Field extraction for one program's messages, defined as data (see `rules/extractors/*.yml`).
///
/// With patterns, the first pattern that matches the whole message wins: its captures, the extractor's `set`,
/// then the pattern's own `set` (which overrides the extractor's) are written. Without patterns, the `kv` rule runs over the whole message (when its
/// required keys are present).
public struct Extractor: Sendable {
    public struct Pattern: Sendable {
        public let pattern: ExtractionPattern
        /// Constant fields written when this pattern matches.
        public let set: [(String, FieldValue)]

        public init(_ pattern: ExtractionPattern, set: [(String, FieldValue)] = []) {
            self.pattern = pattern
            self.set = set
            setBits = set.map { FieldWriter.bit($0.0) }
        }

        let setBits: [UInt8]
    }

    public let name: String
    /// `process.name` values this extractor serves; `*` serves every program (after the specific ones).
    public let programs: [String]
    public let patterns: [Pattern]
    public let keyValue: KeyValueRule?
    /// Constant fields written whenever the extractor applies.
    public let set: [(String, FieldValue)]

    public init(name: String, programs: [String], patterns: [Pattern] = [], keyValue: KeyValueRule? = nil,
                set: [(String, FieldValue)] = []) {
        self.name = name
        self.programs = programs
        self.patterns = patterns
        self.keyValue = keyValue
        self.set = set
        maxCaptures = patterns.map(\.pattern.captures.count).max() ?? 0
        setBits = set.map { FieldWriter.bit($0.0) }
    }

    let maxCaptures: Int
    let setBits: [UInt8]

    /// Writes constant fields.
    @inline(__always)
    static func write(_ set: [(String, FieldValue)], _ bits: [UInt8], to fields: inout Fields, bloom: inout PathBloom) {
        for k in set.indices { FieldWriter.set(&fields, set[k].0, bit: bits[k], set[k].1, bloom: &bloom) }
    }

    /// Applies the extractor to the message `m[start..<end]`. Returns the index of the pattern that matched,
    /// -1 when the kv rule alone applied, or nil when nothing matched (and no field was written).
    func apply(_ m: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, to fields: inout Fields, bloom: inout PathBloom) -> Int? {
        if patterns.isEmpty {
            guard let keyValue, keyValue.apply(m, start, end, to: &fields, bloom: &bloom) else { return nil }
            Self.write(set, setBits, to: &fields, bloom: &bloom)
            return -1
        }
        return withUnsafeTemporaryAllocation(of: (Int, Int).self, capacity: max(1, maxCaptures)) { spans in
            for patternIndex in patterns.indices {
                guard patterns[patternIndex].pattern.leadingLiteralMatches(m, start, end),
                      patterns[patternIndex].pattern.match(m, start, end, spans: spans)
                else { continue }
                let candidate = patterns[patternIndex]
                let captures = candidate.pattern.captures
                // A kv capture whose required keys are missing makes the pattern not match.
                if let keyValue, !keyValue.require.isEmpty {
                    var met = true
                    for (index, capture) in captures.enumerated() where capture.type == .kv {
                        met = met && keyValue.requirementsMet(m, spans[index].0, spans[index].1)
                    }
                    if !met { continue }
                }
                let bits = candidate.pattern.fieldBits
                for index in captures.indices {
                    let (s, e) = spans[index]
                    let type = captures[index].type
                    if type == .kv {
                        keyValue?.apply(m, s, e, to: &fields, bloom: &bloom)
                        continue
                    }
                    guard !bits[index].isEmpty, let value = Self.captureValue(type, m, s, e) else { continue }
                    let names = captures[index].fields
                    for k in names.indices { FieldWriter.set(&fields, names[k], bit: bits[index][k], value, bloom: &bloom) }
                }
                Self.write(set, setBits, to: &fields, bloom: &bloom)
                Self.write(candidate.set, candidate.setBits, to: &fields, bloom: &bloom)
                return patternIndex
            }
            return nil
        }
    }

    @inline(__always)
    static func captureValue(_ type: CaptureType, _ m: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int) -> FieldValue? {
        switch type {
        case .int: return ByteText.signedDecimal(m, s, e).map { .int($0) }
        case .kv: return nil
        default: return .string(ByteText.string(m, s, e))
        }
    }
}
