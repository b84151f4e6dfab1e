import VigilEvents

/// All extractors, indexed by program. Immutable and `Sendable`: build one, share it across connections.
public struct ExtractorSet: Sendable {
    public let extractors: [Extractor]
    private let byProgram: [String: [Int]]
    private let wildcard: [Int]

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
    }

    public var isEmpty: Bool { extractors.isEmpty }

    /// Runs the extractors for `program` (then the `*` ones) on `m[start..<end]` until one matches.
    /// Returns the name of the extractor that matched.
    @discardableResult
    public func apply(
        program: String, message m: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, to fields: inout Fields
    ) -> String? {
        applyDetailed(program: program, message: m, start, end, to: &fields).map { extractors[$0.extractor].name }
    }

    /// Like `apply`, but says which extractor and which of its patterns (-1: the kv rule alone) matched.
    func applyDetailed(
        program: String, message m: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, to fields: inout Fields
    ) -> (extractor: Int, pattern: Int)? {
        var s = start
        while s < end, m[s] == 0x20 || m[s] == 0x09 { s += 1 }
        if let indices = byProgram[program] {
            for index in indices {
                if let pattern = extractors[index].apply(m, s, end, to: &fields) { return (index, pattern) }
            }
        }
        for index in wildcard {
            if let pattern = extractors[index].apply(m, s, end, to: &fields) { return (index, pattern) }
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
