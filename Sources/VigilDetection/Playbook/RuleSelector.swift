/// How a playbook names rules: by id or name, by tag, by path glob, or all of them.
struct RuleSelector: Sendable, Hashable, CustomStringConvertible {
    enum Kind: Sendable, Hashable {
        case idOrName(String)
        case id(String)
        case name(String)
        /// `*` wildcards allowed, e.g. `attack.*`.
        case tag(String)
        /// Relative to the rules root; `*` matches any run of characters, `/` included.
        case path(String)
        case all
    }

    var kind: Kind
    var location: SourceLocation

    var description: String {
        switch kind {
        case .idOrName(let s): return s
        case .id(let s): return "id \(s)"
        case .name(let s): return "name \(s)"
        case .tag(let s): return "tag \(s)"
        case .path(let s): return "path \(s)"
        case .all: return "all rules"
        }
    }

    func matches(_ meta: RuleMeta) -> Bool {
        switch kind {
        case .idOrName(let s): return meta.id == s || meta.name == s || meta.sigmaID == s
        case .id(let s): return meta.id == s || meta.sigmaID == s
        case .name(let s): return meta.name == s
        case .tag(let pattern): return meta.tags.contains { RuleSelector.glob(pattern, $0) }
        case .path(let pattern): return RuleSelector.glob(pattern, meta.relativePath)
        case .all: return true
        }
    }

    static func glob(_ pattern: String, _ text: String) -> Bool {
        if !pattern.utf8.contains(UInt8(ascii: "*")) && !pattern.utf8.contains(UInt8(ascii: "?")) { return pattern == text }
        return StringPattern(SigmaString(parsing: pattern), caseSensitive: true).matches(text)
    }

    /// `ssh_brute_force`, `{id: …}`, `{name: …}`, `{tag: attack.*}`, `{path: library/linux/*.yml}`, `{all: true}`.
    static func parse(_ node: YAMLNode) throws(CompileError) -> RuleSelector {
        if let s = node.string {
            if s.isEmpty { throw CompileError(node.location, "invalid-selector", "an empty rule selector") }
            return RuleSelector(kind: .idOrName(s), location: node.location)
        }
        guard let pairs = node.pairs, pairs.count == 1, let key = pairs[0].key.string else {
            throw CompileError(node.location, "invalid-selector", "a rule selector is an id or name, or one of {id: …}, {name: …}, {tag: …}, {path: …}, {all: true}")
        }
        let v = pairs[0].value
        if key == "all" {
            guard case .bool(true)? = v.scalar?.typed else {
                throw CompileError(v.location, "invalid-selector", "write {all: true} to select every rule")
            }
            return RuleSelector(kind: .all, location: node.location)
        }
        guard let value = v.string, !value.isEmpty else {
            throw CompileError(v.location, "invalid-selector", "the \(key) selector needs a string")
        }
        switch key {
        case "id": return RuleSelector(kind: .id(value), location: node.location)
        case "name": return RuleSelector(kind: .name(value), location: node.location)
        case "tag": return RuleSelector(kind: .tag(value), location: node.location)
        case "path": return RuleSelector(kind: .path(value), location: node.location)
        default:
            throw CompileError(pairs[0].key.location, "invalid-selector", "unknown rule selector '\(key)'; use id, name, tag, path or all")
        }
    }

    /// A single selector or a list; `any` means every rule.
    static func parseList(_ node: YAMLNode) throws(CompileError) -> [RuleSelector] {
        if node.string == "any" { return [RuleSelector(kind: .all, location: node.location)] }
        if let items = node.items {
            var out: [RuleSelector] = []
            for item in items { out.append(try parse(item)) }
            if out.isEmpty { throw CompileError(node.location, "invalid-selector", "an empty list of rules") }
            return out
        }
        return [try parse(node)]
    }
}
