import VigilEvents

/// Field extraction for one program's messages, defined as data (see `rules/extractors/*.yml`).
///
/// With patterns, the first pattern that matches the whole message wins: its captures, the extractor's `set`,
/// then the pattern's own `set` (which overrides the extractor's) are written. Without patterns, the `kv` rule runs over the whole message (when its
/// required keys are present).
public struct Extractor: Sendable {
    public struct Pattern: Sendable {
        public var pattern: ExtractionPattern
        /// Constant fields written when this pattern matches.
        public var set: [(String, FieldValue)]

        public init(_ pattern: ExtractionPattern, set: [(String, FieldValue)] = []) {
            self.pattern = pattern
            self.set = set
        }
    }

    public var name: String
    /// `process.name` values this extractor serves; `*` serves every program (after the specific ones).
    public var programs: [String]
    public var patterns: [Pattern]
    public var keyValue: KeyValueRule?
    /// Constant fields written whenever the extractor applies.
    public var set: [(String, FieldValue)]

    public init(name: String, programs: [String], patterns: [Pattern] = [], keyValue: KeyValueRule? = nil,
                set: [(String, FieldValue)] = []) {
        self.name = name
        self.programs = programs
        self.patterns = patterns
        self.keyValue = keyValue
        self.set = set
        maxCaptures = patterns.map(\.pattern.captures.count).max() ?? 0
    }

    let maxCaptures: Int

    /// Applies the extractor to the message `m[start..<end]`. Returns the index of the pattern that matched,
    /// -1 when the kv rule alone applied, or nil when nothing matched (and no field was written).
    func apply(_ m: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, to fields: inout Fields) -> Int? {
        if patterns.isEmpty {
            guard let keyValue, keyValue.apply(m, start, end, to: &fields) else { return nil }
            for (path, value) in set { fields[path] = value }
            return -1
        }
        return withUnsafeTemporaryAllocation(of: (Int, Int).self, capacity: max(1, maxCaptures)) { spans in
            for (patternIndex, candidate) in patterns.enumerated() {
                if let lead = candidate.pattern.leadingLiteral, !ExtractionPattern.hasLiteral(lead, m, start, end) { continue }
                guard candidate.pattern.match(m, start, end, spans: spans) else { continue }
                let captures = candidate.pattern.captures
                // A kv capture whose required keys are missing makes the pattern not match.
                if let keyValue, !keyValue.require.isEmpty {
                    var met = true
                    for (index, capture) in captures.enumerated() where capture.type == .kv {
                        met = met && keyValue.requirementsMet(m, spans[index].0, spans[index].1)
                    }
                    if !met { continue }
                }
                for (index, capture) in captures.enumerated() {
                    let (s, e) = spans[index]
                    if capture.type == .kv {
                        keyValue?.apply(m, s, e, to: &fields)
                        continue
                    }
                    guard !capture.fields.isEmpty, let value = Self.captureValue(capture.type, m, s, e) else { continue }
                    for field in capture.fields { fields[field] = value }
                }
                for (path, value) in set { fields[path] = value }
                for (path, value) in candidate.set { fields[path] = value }
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
