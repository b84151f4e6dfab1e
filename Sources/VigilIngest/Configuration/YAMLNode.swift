import Foundation
import VigilEvents
import Yams

/// Collects problems while a YAML file is read, so one load reports all of them.
public final class ConfigDiagnostics {
    public private(set) var errors: [ConfigError] = []

    public init() {}

    public func report(_ error: ConfigError) { errors.append(error) }

    public func throwIfAny() throws(ConfigErrors) {
        if !errors.isEmpty { throw ConfigErrors(errors) }
    }
}

/// A YAML node that remembers its file and position, with typed reads that report errors there.
public struct YAMLNode {
    public let node: Node
    public let file: String
    public let diagnostics: ConfigDiagnostics

    public init(node: Node, file: String, diagnostics: ConfigDiagnostics) {
        self.node = node
        self.file = file
        self.diagnostics = diagnostics
    }

    /// Reads and parses a file; syntax errors carry their position.
    public static func load(path: String, diagnostics: ConfigDiagnostics) -> YAMLNode? {
        guard let data = FileManager.default.contents(atPath: path) else {
            diagnostics.report(ConfigError(code: .unreadable, file: path, line: 0, column: 0, message: "cannot read file"))
            return nil
        }
        return parse(String(decoding: data, as: UTF8.self), file: path, diagnostics: diagnostics)
    }

    public static func parse(_ text: String, file: String, diagnostics: ConfigDiagnostics) -> YAMLNode? {
        do {
            guard let node = try Yams.compose(yaml: text) else {
                diagnostics.report(ConfigError(code: .syntax, file: file, line: 1, column: 1, message: "the file is empty"))
                return nil
            }
            return YAMLNode(node: node, file: file, diagnostics: diagnostics)
        } catch let error as YamlError {
            diagnostics.report(syntaxError(error, file: file))
            return nil
        } catch {
            diagnostics.report(ConfigError(code: .syntax, file: file, line: 1, column: 1, message: "\(error)"))
            return nil
        }
    }

    static func syntaxError(_ error: YamlError, file: String) -> ConfigError {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            let text = [context?.text, problem].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ": ")
            return ConfigError(code: .syntax, file: file, line: mark.line, column: mark.column, message: text)
        case .duplicatedKeysInMapping(let duplicates, let context):
            return ConfigError(code: .duplicateKey, file: file, line: context.mark.line, column: context.mark.column,
                               message: "duplicate keys: \(duplicates.joined(separator: ", "))")
        default:
            return ConfigError(code: .syntax, file: file, line: 1, column: 1, message: "\(error)")
        }
    }

    public var line: Int { node.mark?.line ?? 0 }
    public var column: Int { node.mark?.column ?? 0 }

    /// Reports a problem at this node.
    public func error(_ code: ConfigError.Code, _ message: String) {
        diagnostics.report(ConfigError(code: code, file: file, line: line, column: column, message: message))
    }

    private func child(_ node: Node) -> YAMLNode { YAMLNode(node: node, file: file, diagnostics: diagnostics) }

    public var isNull: Bool {
        if case .scalar(let s) = node, node.tag.description == Tag.Name.null.rawValue || s.string == "~" || (s.string.isEmpty && s.style == .plain) { return true }
        return false
    }

    public var string: String? {
        guard case .scalar(let s) = node else {
            error(.wrongType, "expected a text value")
            return nil
        }
        return s.string
    }

    public var int: Int? {
        guard case .scalar(let s) = node, let value = Int(s.string) else {
            error(.wrongType, "expected a whole number")
            return nil
        }
        return value
    }

    /// A whole number greater than 0.
    public var positiveInt: Int? {
        guard let value = int else { return nil }
        guard value > 0 else {
            error(.invalidValue, "must be greater than 0")
            return nil
        }
        return value
    }

    public var bool: Bool? {
        guard case .scalar(let s) = node else {
            error(.wrongType, "expected true or false")
            return nil
        }
        switch s.string.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default:
            error(.wrongType, "expected true or false, got '\(s.string)'")
            return nil
        }
    }

    /// A duration such as `30s`, `10m`, `2h`.
    public var timeSpan: TimeSpan? {
        guard let text = string else { return nil }
        guard let span = TimeSpan(parsing: text) else {
            error(.invalidValue, "'\(text)' is not a duration (examples: 250ms, 30s, 10m, 2h, 1d)")
            return nil
        }
        return span
    }

    /// A byte size such as `65536`, `64KiB`, `10MiB`.
    public var byteCount: Int? {
        guard let text = string else { return nil }
        let units: [(String, Int)] = [("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10), ("GB", 1_000_000_000),
                                      ("MB", 1_000_000), ("KB", 1000), ("B", 1)]
        for (suffix, scale) in units where text.hasSuffix(suffix) {
            if let n = Int(text.dropLast(suffix.count).trimmingCharacters(in: .whitespaces)), n >= 0 { return n * scale }
        }
        if let n = Int(text), n >= 0 { return n }
        error(.invalidValue, "'\(text)' is not a size (examples: 65536, 64KiB, 10MiB)")
        return nil
    }

    public var sequence: [YAMLNode]? {
        guard case .sequence(let seq) = node else {
            error(.wrongType, "expected a list")
            return nil
        }
        return seq.map(child)
    }

    public var mapping: YAMLMapping? {
        guard case .mapping(let map) = node else {
            error(.wrongType, "expected a mapping (key: value)")
            return nil
        }
        return YAMLMapping(pairs: map.map { (child($0.key), child($0.value)) }, owner: self)
    }

    /// A text value or a list of text values.
    public var strings: [String]? {
        if case .scalar = node { return string.map { [$0] } }
        return sequence?.compactMap(\.string)
    }
}

/// A YAML mapping read key by key; keys never read are reported as unknown by `finish()`.
public final class YAMLMapping {
    public let pairs: [(key: YAMLNode, value: YAMLNode)]
    public let owner: YAMLNode
    private var used: Set<String> = []

    init(pairs: [(key: YAMLNode, value: YAMLNode)], owner: YAMLNode) {
        self.pairs = pairs
        self.owner = owner
        var seen: Set<String> = []
        for (key, _) in pairs {
            guard let name = key.node.scalar?.string else { continue }
            if !seen.insert(name).inserted { key.error(.duplicateKey, "duplicate key '\(name)'") }
        }
    }

    public var keys: [String] { pairs.compactMap { $0.key.node.scalar?.string } }

    public subscript(key: String) -> YAMLNode? {
        used.insert(key)
        return pairs.first { $0.key.node.scalar?.string == key }?.value
    }

    /// The value at `key`, reporting a missing key at the mapping.
    public func required(_ key: String) -> YAMLNode? {
        guard let value = self[key] else {
            owner.error(.missingKey, "missing required key '\(key)'")
            return nil
        }
        return value
    }

    /// Reports every key that was never read, with the closest known key as a hint.
    public func finish(allowed extra: [String] = []) {
        let known = used.union(extra)
        for (key, _) in pairs {
            guard let name = key.node.scalar?.string, !known.contains(name) else { continue }
            let hint = known.min { editDistance($0, name) < editDistance($1, name) }
            let suggestion = hint.flatMap { editDistance($0, name) <= 2 ? " (did you mean '\($0)'?)" : nil } ?? ""
            key.error(.unknownKey, "unknown key '\(name)'\(suggestion)")
        }
    }

    private func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
