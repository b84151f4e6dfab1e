import Foundation
import VigilEvents
import Yams

/// Reads extractor definitions from YAML, reporting mistakes as `file:line:col: message`.
///
/// ```yaml
/// extractors:
///   - name: sshd
///     programs: [sshd, sshd-session]
///     set: { event.category: authentication }          # optional, on every match
///     patterns:
///       - match: "Failed password for %{user.name:word} from %{source.ip:ip} port %{source.port:int}%{-}"
///         set: { event.action: ssh_login, event.outcome: failure }
///     kv:                                              # optional key=value table
///       map: { rhost: "source.ip:ip", uid: "user.id:int", res: { field: event.outcome, values: { failed: failure } },
///              type: [auditd.log.record_type, "event.action:lower"] }
///       require: [SRC]     nested: [msg]     ignore: ["?", ""]     prefix: auditd.data.
/// ```
enum ExtractorLoader {
    static func loadDirectory(_ directory: String) throws(ExtractorLoadError) -> [Extractor] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw ExtractorLoadError(file: directory, line: 0, column: 0, message: "cannot list directory: \(error.localizedDescription)")
        }
        var all: [Extractor] = []
        var seen: [String: String] = [:]
        for name in names.sorted() where name.hasSuffix(".yml") || name.hasSuffix(".yaml") {
            let path = directory.hasSuffix("/") ? directory + name : directory + "/" + name
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ExtractorLoadError(file: path, line: 0, column: 0, message: "cannot read file")
            }
            guard let text = String(validating: data, as: UTF8.self) else {
                throw ExtractorLoadError(file: path, line: 0, column: 0, message: "file is not UTF-8")
            }
            for extractor in try load(yaml: text, file: path) {
                if let other = seen[extractor.name] {
                    throw ExtractorLoadError(file: path, line: 0, column: 0,
                                             message: "extractor '\(extractor.name)' is already defined in \(other)")
                }
                seen[extractor.name] = path
                all.append(extractor)
            }
        }
        return all
    }

    static func load(yaml: String, file: String) throws(ExtractorLoadError) -> [Extractor] {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            throw yamlError(error, file: file)
        } catch {
            throw ExtractorLoadError(file: file, line: 1, column: 1, message: "\(error)")
        }
        guard let root else { return [] }
        let context = Context(file: file)
        let list: Node
        if let mapping = root.mapping {
            try context.allowOnly(["extractors"], in: mapping)
            guard let value = mapping["extractors"] else { throw context.error(root, "expected a top-level 'extractors' list") }
            list = value
        } else {
            list = root
        }
        guard let sequence = list.sequence else { throw context.error(list, "expected a list of extractors") }
        var result: [Extractor] = []
        var names: Set<String> = []
        for node in sequence {
            let extractor = try context.extractor(node)
            guard names.insert(extractor.name).inserted else {
                throw context.error(node, "extractor '\(extractor.name)' is defined twice")
            }
            result.append(extractor)
        }
        return result
    }

    private static func yamlError(_ error: YamlError, file: String) -> ExtractorLoadError {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
            return ExtractorLoadError(file: file, line: mark.line, column: mark.column, message: "YAML: \(problem)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            return ExtractorLoadError(file: file, line: context.mark.line, column: context.mark.column,
                                      message: "YAML: duplicate keys \(duplicates.joined(separator: ", "))")
        default:
            return ExtractorLoadError(file: file, line: 1, column: 1, message: "YAML: \(error)")
        }
    }

    private struct Context {
        var file: String

        func error(_ node: Node?, _ message: String, columnOffset: Int = 0) -> ExtractorLoadError {
            let mark = node?.mark
            return ExtractorLoadError(file: file, line: mark?.line ?? 1, column: (mark?.column ?? 1) + columnOffset, message: message)
        }

        func allowOnly(_ keys: Set<String>, in mapping: Node.Mapping) throws(ExtractorLoadError) {
            for (key, _) in mapping {
                guard let name = key.string, keys.contains(name) else {
                    let list = keys.sorted().joined(separator: ", ")
                    throw error(key, "unknown key '\(key.string ?? "?")' (expected one of: \(list))")
                }
            }
        }

        func string(_ node: Node, _ what: String) throws(ExtractorLoadError) -> String {
            guard let scalar = node.scalar else { throw error(node, "\(what) must be a string") }
            return scalar.string
        }

        func strings(_ node: Node, _ what: String) throws(ExtractorLoadError) -> [String] {
            if let scalar = node.scalar { return [scalar.string] }
            guard let sequence = node.sequence else { throw error(node, "\(what) must be a string or a list of strings") }
            var out: [String] = []
            for item in sequence { out.append(try string(item, what)) }
            return out
        }

        func fieldName(_ node: Node) throws(ExtractorLoadError) -> String {
            let name = try string(node, "a field name")
            guard FieldName.isValid(name) else {
                throw error(node, "'\(name)' is not a valid field name (letters, digits, '_', '-', '@', dots between; not 'message')")
            }
            return name
        }

        /// `set:` values: plain integers and booleans keep their type; everything else is a string.
        func constants(_ node: Node) throws(ExtractorLoadError) -> [(String, FieldValue)] {
            guard let mapping = node.mapping else { throw error(node, "'set' must be a mapping of field: value") }
            var out: [(String, FieldValue)] = []
            for (key, value) in mapping {
                let field = try fieldName(key)
                guard let scalar = value.scalar else { throw error(value, "the value of '\(field)' must be a scalar") }
                if scalar.style == .plain, let n = Int64(scalar.string) {
                    out.append((field, .int(n)))
                } else if scalar.style == .plain, scalar.string == "true" || scalar.string == "false" {
                    out.append((field, .bool(scalar.string == "true")))
                } else {
                    out.append((field, .string(scalar.string)))
                }
            }
            return out
        }

        func pattern(_ node: Node, _ text: String) throws(ExtractorLoadError) -> ExtractionPattern {
            do {
                return try ExtractionPattern(text)
            } catch {
                // Point into the pattern text: +1 for the opening quote of a quoted scalar.
                let quoted = node.scalar.map { $0.style == .singleQuoted || $0.style == .doubleQuoted } ?? false
                let prefix = String(decoding: Array(text.utf8).prefix(error.offset), as: UTF8.self)
                throw self.error(node, "pattern: \(error.message)", columnOffset: prefix.unicodeScalars.count + (quoted ? 1 : 0))
            }
        }

        func extractor(_ node: Node) throws(ExtractorLoadError) -> Extractor {
            guard let mapping = node.mapping else { throw error(node, "an extractor must be a mapping") }
            try allowOnly(["name", "program", "programs", "patterns", "kv", "set"], in: mapping)
            guard let nameNode = mapping["name"] else { throw error(node, "extractor has no 'name'") }
            let name = try string(nameNode, "name")
            guard let programsNode = mapping["programs"] ?? mapping["program"] else {
                throw error(node, "extractor '\(name)' has no 'programs'")
            }
            let programs = try strings(programsNode, "programs")
            guard !programs.isEmpty, programs.allSatisfy({ !$0.isEmpty }) else {
                throw error(programsNode, "'programs' must name at least one program (or '*')")
            }
            var patterns: [Extractor.Pattern] = []
            if let list = mapping["patterns"] {
                guard let sequence = list.sequence else { throw error(list, "'patterns' must be a list") }
                for item in sequence {
                    if let scalar = item.scalar {
                        patterns.append(.init(try pattern(item, scalar.string)))
                        continue
                    }
                    guard let entry = item.mapping else { throw error(item, "a pattern is a string or a mapping with 'match'") }
                    try allowOnly(["match", "set"], in: entry)
                    guard let match = entry["match"] else { throw error(item, "pattern has no 'match'") }
                    let compiled = try pattern(match, try string(match, "match"))
                    let set = try entry["set"].map { (n: Node) throws(ExtractorLoadError) in try constants(n) } ?? []
                    patterns.append(.init(compiled, set: set))
                }
            }
            let keyValue = try mapping["kv"].map { (n: Node) throws(ExtractorLoadError) in try keyValueRule(n) }
            if patterns.isEmpty, keyValue == nil {
                throw error(node, "extractor '\(name)' needs 'patterns' or 'kv'")
            }
            for p in patterns where p.pattern.captures.contains(where: { $0.type == .kv }) && keyValue == nil {
                throw error(node, "pattern '\(p.pattern.source)' uses a ':kv' capture but the extractor has no 'kv' table")
            }
            let set = try mapping["set"].map { (n: Node) throws(ExtractorLoadError) in try constants(n) } ?? []
            return Extractor(name: name, programs: programs, patterns: patterns, keyValue: keyValue, set: set)
        }

        func keyValueRule(_ node: Node) throws(ExtractorLoadError) -> KeyValueRule {
            guard let mapping = node.mapping else { throw error(node, "'kv' must be a mapping") }
            try allowOnly(["map", "require", "nested", "ignore", "prefix"], in: mapping)
            var map: [String: [KeyValueTarget]] = [:]
            if let mapNode = mapping["map"] {
                guard let entries = mapNode.mapping else { throw error(mapNode, "'map' must be a mapping of key: field") }
                for (key, value) in entries {
                    let k = try string(key, "a key")
                    if let list = value.sequence {
                        var targets: [KeyValueTarget] = []
                        for item in list { targets.append(try target(item)) }
                        map[k] = targets
                    } else {
                        map[k] = [try target(value)]
                    }
                }
            }
            let require = try mapping["require"].map { (n: Node) throws(ExtractorLoadError) in try strings(n, "require") } ?? []
            let nested = try mapping["nested"].map { (n: Node) throws(ExtractorLoadError) in try strings(n, "nested") } ?? []
            let ignore = try mapping["ignore"].map { (n: Node) throws(ExtractorLoadError) in try strings(n, "ignore") } ?? [""]
            var prefix: String?
            if let p = mapping["prefix"] {
                let text = try string(p, "prefix")
                guard text.hasSuffix("."), FieldName.isValid(String(text.dropLast())) else {
                    throw error(p, "'prefix' must be a field name ending in '.', such as 'auditd.data.'")
                }
                prefix = text
            }
            return KeyValueRule(map: map, require: require, nested: Set(nested), ignore: Set(ignore), prefix: prefix)
        }

        /// `field`, `field:type`, or `{field, type, values, pattern}`.
        func target(_ node: Node) throws(ExtractorLoadError) -> KeyValueTarget {
            if let scalar = node.scalar {
                let parts = scalar.string.split(separator: ":", maxSplits: 1).map(String.init)
                guard let first = parts.first, FieldName.isValid(first) else {
                    throw error(node, "'\(scalar.string)' is not a field name")
                }
                var kind = KeyValueTarget.Kind.string
                if parts.count == 2 {
                    guard let k = KeyValueTarget.Kind(rawValue: parts[1]) else {
                        throw error(node, "unknown type '\(parts[1])' (known: \(KeyValueTarget.Kind.allCases.map(\.rawValue).joined(separator: ", ")))")
                    }
                    kind = k
                }
                return KeyValueTarget(field: first, kind: kind)
            }
            guard let mapping = node.mapping else { throw error(node, "a kv target is a field name or a mapping") }
            try allowOnly(["field", "type", "values", "pattern"], in: mapping)
            let field = try mapping["field"].map { (n: Node) throws(ExtractorLoadError) in try fieldName(n) }
            var kind = KeyValueTarget.Kind.string
            if let t = mapping["type"] {
                let text = try string(t, "type")
                guard let k = KeyValueTarget.Kind(rawValue: text) else {
                    throw error(t, "unknown type '\(text)' (known: \(KeyValueTarget.Kind.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
                kind = k
            }
            var values: [String: String] = [:]
            if let v = mapping["values"] {
                guard let entries = v.mapping else { throw error(v, "'values' must be a mapping of value: replacement") }
                for (from, to) in entries { values[try string(from, "a value")] = try string(to, "a replacement") }
            }
            let compiled = try mapping["pattern"].map { (n: Node) throws(ExtractorLoadError) in try pattern(n, try string(n, "pattern")) }
            if let compiled, compiled.captures.contains(where: { $0.type == .kv }) {
                throw error(mapping["pattern"], "a kv value pattern cannot use ':kv' captures")
            }
            guard field != nil || compiled != nil else { throw error(node, "a kv target needs 'field' or 'pattern'") }
            return KeyValueTarget(field: field, kind: kind, values: values, pattern: compiled)
        }
    }
}
