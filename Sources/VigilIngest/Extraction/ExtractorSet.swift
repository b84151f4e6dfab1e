import VigilEvents

/// All extractors, indexed by program. Immutable and `Sendable`: build one, share it across connections.
public struct ExtractorSet: Sendable {
    public let extractors: [Extractor]
    /// The same extractors, boxed so the hot path borrows them instead of copying each struct.
    private let boxes: [Box]
    private let byProgram: [String: [Int]]
    private let wildcard: [Int]

    private final class Box: Sendable {
        let extractor: Extractor
        init(_ extractor: Extractor) { self.extractor = extractor }
    }

    public static let empty = ExtractorSet([])

    public init(_ extractors: [Extractor]) {
        self.extractors = extractors
        var byProgram: [String: [Int]] = [:]
        var wildcard: [Int] = []
        for (index, extractor) in extractors.enumerated() {
            for program in extractor.programs {
                if program == "*" { wildcard.append(index) } else { byProgram[program, default: []].append(index) }
            }
        }
        self.byProgram = byProgram
        self.wildcard = wildcard
        boxes = extractors.map(Box.init)
    }

    public var isEmpty: Bool { extractors.isEmpty }

    /// Runs the extractors for `program` (then the `*` ones) on `m[start..<end]` until one matches.
    /// Returns the name of the extractor that matched.
    @discardableResult
    public func apply(
        program: String, message m: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, to fields: inout Fields
    ) -> String? {
        var bloom = PathBloom.all  // nothing known about `fields`: look before every write
        return applyDetailed(program: program, message: m, start, end, to: &fields, bloom: &bloom).map { extractors[$0.extractor].name }
    }

    /// For parsers that track which paths they wrote (`FieldWriter`'s Bloom bits).
    @discardableResult
    func apply(
        program: String, message m: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, to fields: inout Fields,
        bloom: inout PathBloom
    ) -> String? {
        applyDetailed(program: program, message: m, start, end, to: &fields, bloom: &bloom).map { extractors[$0.extractor].name }
    }

    /// Like `apply`, but says which extractor and which of its patterns (-1: the kv rule alone) matched.
    func applyDetailed(
        program: String, message m: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, to fields: inout Fields,
        bloom: inout PathBloom
    ) -> (extractor: Int, pattern: Int)? {
        var s = start
        while s < end, m[s] == 0x20 || m[s] == 0x09 { s += 1 }
        if let indices = byProgram[program] {
            for index in indices {
                if let pattern = boxes[index].extractor.apply(m, s, end, to: &fields, bloom: &bloom) { return (index, pattern) }
            }
        }
        for index in wildcard {
            if let pattern = boxes[index].extractor.apply(m, s, end, to: &fields, bloom: &bloom) { return (index, pattern) }
        }
        return nil
    }

    /// Convenience for tests and tools: applies to a message string.
    @discardableResult
    public func apply(program: String, message: String, to fields: inout Fields) -> String? {
        var copy = message
        return copy.withUTF8 { apply(program: program, message: $0, 0, $0.count, to: &fields) }
    }

    /// Loads every `*.yml` and `*.yaml` file in `directory`, in file-name order.
    public static func load(directory: String) throws(ExtractorLoadError) -> ExtractorSet {
        ExtractorSet(try ExtractorLoader.loadDirectory(directory))
    }
}

extension ExtractorSet {
    /// Parses one YAML document; `file` names it in errors.
    public init(yaml: String, file: String) throws(ExtractorLoadError) {
        self.init(try ExtractorLoader.load(yaml: yaml, file: file))
    }
}
