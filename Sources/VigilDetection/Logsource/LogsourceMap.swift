/// `rules/logsources.yml`: maps Sigma logsources (product/service/category) to conditions on Vigil events,
/// and Sigma field names to event field paths.
///
/// ```yaml
/// fields:                 # for every rule
///   User: user.name
/// logsources:
///   - product: linux
///     service: sshd
///     conditions:
///       process.name: sshd
/// ```
/// A rule's logsource takes the conditions of every entry whose keys it has with equal values (ANDed).
/// Every category, product and service a rule names must appear in some entry.
struct LogsourceMap: Sendable {
    struct Entry: Sendable {
        var category: String?
        var product: String?
        var service: String?
        var condition: SelectionMatcher?
        var conditionText: String
        var fields: [String: String]
        var location: SourceLocation
    }

    var entries: [Entry]
    var fields: [String: String]
    var path: String
    var fingerprint: String

    static let empty = LogsourceMap(entries: [], fields: [:], path: "", fingerprint: "")

    static func parse(_ text: String, path: String) throws(CompileError) -> LogsourceMap {
        let docs = try YAMLReader.documents(text, path: path)
        guard docs.count == 1, let root = docs.first, root.pairs != nil else {
            throw CompileError(SourceLocation(path: path, line: 1, column: 1), "invalid-logsources", "logsources.yml must be one mapping with 'logsources' (and optionally 'fields')")
        }
        for pair in root.pairs! where !["logsources", "fields"].contains(pair.key.string ?? "") {
            throw CompileError(pair.key.location, "invalid-logsources", "unknown key '\(pair.key.string ?? "")' in logsources.yml; allowed: logsources, fields")
        }
        let fields = try parseFields(root["fields"])
        var entries: [Entry] = []
        if let list = root["logsources"] {
            guard let items = list.items else {
                throw CompileError(list.location, "invalid-logsources", "'logsources' must be a list")
            }
            for item in items {
                guard let pairs = item.pairs else {
                    throw CompileError(item.location, "invalid-logsources", "each logsource entry must be a mapping")
                }
                var entry = Entry(conditionText: "", fields: [:], location: item.location)
                for pair in pairs {
                    let key = pair.key.string ?? ""
                    switch key {
                    case "category", "product", "service":
                        guard let v = pair.value.string, !v.isEmpty else {
                            throw CompileError(pair.value.location, "invalid-logsources", "\(key) must be a string")
                        }
                        if key == "category" { entry.category = v.lowercased() }
                        if key == "product" { entry.product = v.lowercased() }
                        if key == "service" { entry.service = v.lowercased() }
                    case "conditions":
                        var compiler = DetectionCompiler(fieldMap: [:], placeholders: .forbidden("the logsource map"))
                        entry.condition = try compiler.compileSelection(pair.value, name: "logsource")
                        entry.conditionText = pair.value.canonicalText
                    case "fields":
                        entry.fields = try parseFields(pair.value)
                    case "description", "definition":
                        continue
                    default:
                        throw CompileError(pair.key.location, "invalid-logsources",
                                           "unknown key '\(key)' in a logsource entry; allowed: category, product, service, conditions, fields, description")
                    }
                }
                if entry.category == nil && entry.product == nil && entry.service == nil {
                    throw CompileError(item.location, "invalid-logsources", "a logsource entry needs a category, product or service")
                }
                entries.append(entry)
            }
        }
        return LogsourceMap(entries: entries, fields: fields, path: path, fingerprint: Fingerprint.of(root.canonicalText))
    }

    static func parseFields(_ node: YAMLNode?) throws(CompileError) -> [String: String] {
        guard let node else { return [:] }
        guard let pairs = node.pairs else {
            throw CompileError(node.location, "invalid-logsources", "'fields' must map Sigma field names to event field paths")
        }
        var out: [String: String] = [:]
        for pair in pairs {
            guard let k = pair.key.string, let v = pair.value.string else {
                throw CompileError(pair.value.location, "invalid-logsources", "'fields' must map Sigma field names to event field paths")
            }
            out[k] = v
        }
        return out
    }

    /// What a rule's logsource turns into.
    struct Resolution: Sendable {
        var condition: SelectionMatcher?
        var text: String
        var fields: [String: String]
    }

    /// The conditions for `spec`, or an error when the map does not know one of its names.
    func resolve(_ spec: LogsourceSpec?) throws(CompileError) -> Resolution {
        guard let spec, !entries.isEmpty else { return Resolution(condition: nil, text: "", fields: fields) }
        for (key, value) in [("category", spec.category), ("product", spec.product), ("service", spec.service)] {
            guard let value else { continue }
            let known = entries.contains { e in
                switch key {
                case "category": return e.category == value
                case "product": return e.product == value
                default: return e.service == value
                }
            }
            if !known {
                throw CompileError(spec.location, "unknown-logsource",
                                   "logsource \(key) '\(value)' has no mapping in \(path); add it there or fix the rule")
            }
        }
        var conditions: [SelectionMatcher] = []
        var texts: [String] = []
        var mergedFields = fields
        for e in entries {
            if let c = e.category, c != spec.category { continue }
            if let p = e.product, p != spec.product { continue }
            if let s = e.service, s != spec.service { continue }
            if let cond = e.condition {
                conditions.append(cond)
                texts.append(e.conditionText)
            }
            mergedFields.merge(e.fields) { _, new in new }
        }
        let condition: SelectionMatcher?
        switch conditions.count {
        case 0: condition = nil
        case 1: condition = conditions[0]
        default: condition = .every(conditions)
        }
        return Resolution(condition: condition, text: texts.joined(separator: " and "), fields: mergedFields)
    }
}

