/// The Sigma v2.1 value modifiers, each with where it appeared in the key.
enum Modifier: String, Sendable, CaseIterable {
    case contains, startswith, endswith, all, exists, cased, neq, windash
    case base64, base64offset, utf16le, utf16be, utf16, wide
    case re, i, m, s
    case cidr, lt, lte, gt, gte, fieldref, expand
    case minute, hour, day, week, month, year

    var isMatchKind: Bool { self == .contains || self == .startswith || self == .endswith }
    var isEncoding: Bool { [.base64, .base64offset, .utf16le, .utf16be, .utf16, .wide, .windash].contains(self) }
    var isCompare: Bool { [.lt, .lte, .gt, .gte].contains(self) }
    var isRegexFlag: Bool { self == .i || self == .m || self == .s }
    var isTime: Bool { [.minute, .hour, .day, .week, .month, .year].contains(self) }
    /// Modifiers that decide how a value is compared; at most one per key.
    var isType: Bool { self == .re || self == .cidr || isCompare || self == .exists || self == .fieldref }
}

/// A parsed selection key such as `CommandLine|contains|all`.
struct ModifiedKey {
    var field: String
    var modifiers: [(Modifier, SourceLocation)]
    var text: String
    var location: SourceLocation

    func has(_ m: Modifier) -> Bool { modifiers.contains { $0.0 == m } }
    func location(of m: Modifier) -> SourceLocation { modifiers.first { $0.0 == m }?.1 ?? location }

    /// Splits the key and checks every modifier name.
    static func parse(_ node: YAMLNode) throws(CompileError) -> ModifiedKey {
        guard let scalar = node.scalar else {
            throw CompileError(node.location, "invalid-selection", "a selection key must be a field name, not \(node.kindName)")
        }
        let text = scalar.text
        let base = node.location.advanced(by: scalar.quoted ? 1 : 0)
        let parts = text.split(separator: "|", omittingEmptySubsequences: false)
        var offset = parts[0].unicodeScalars.count + 1
        var mods: [(Modifier, SourceLocation)] = []
        for part in parts.dropFirst() {
            let loc = base.advanced(by: offset)
            offset += part.unicodeScalars.count + 1
            guard let m = Modifier(rawValue: String(part)) else {
                if part.isEmpty {
                    throw CompileError(loc, "unknown-modifier", "empty modifier in '\(text)'")
                }
                throw CompileError(loc, "unknown-modifier", "unknown modifier '\(part)' in '\(text)'")
            }
            if mods.contains(where: { $0.0 == m }) {
                throw CompileError(loc, "duplicate-modifier", "modifier '\(m.rawValue)' appears twice in '\(text)'")
            }
            mods.append((m, loc))
        }
        return ModifiedKey(field: String(parts[0]), modifiers: mods, text: text, location: base)
    }

    /// Rejects combinations that have no meaning.
    func validate() throws(CompileError) {
        let types = modifiers.filter { $0.0.isType }
        if types.count > 1 {
            throw CompileError(types[1].1, "conflicting-modifiers",
                               "modifiers '\(types[0].0.rawValue)' and '\(types[1].0.rawValue)' cannot be combined")
        }
        let kinds = modifiers.filter { $0.0.isMatchKind }
        if kinds.count > 1 {
            throw CompileError(kinds[1].1, "conflicting-modifiers",
                               "modifiers '\(kinds[0].0.rawValue)' and '\(kinds[1].0.rawValue)' cannot be combined")
        }
        let times = modifiers.filter { $0.0.isTime }
        if times.count > 1 {
            throw CompileError(times[1].1, "conflicting-modifiers",
                               "modifiers '\(times[0].0.rawValue)' and '\(times[1].0.rawValue)' cannot be combined")
        }
        let type = types.first?.0
        var sawRe = false
        for (m, loc) in modifiers {
            if m == .re { sawRe = true }
            if m.isRegexFlag && !sawRe {
                throw CompileError(loc, "conflicting-modifiers", "regex flag '\(m.rawValue)' must follow the 're' modifier")
            }
            if let type, type != .fieldref, m.isMatchKind {
                throw CompileError(loc, "conflicting-modifiers", "'\(m.rawValue)' cannot be combined with '\(type.rawValue)'")
            }
            if let type, m.isEncoding, type != .re {
                throw CompileError(loc, "conflicting-modifiers", "'\(m.rawValue)' cannot be combined with '\(type.rawValue)'")
            }
            if m.isEncoding, type == .re {
                throw CompileError(loc, "conflicting-modifiers", "'\(m.rawValue)' cannot be combined with 're'")
            }
            if m == .cased, let type, type != .fieldref {
                throw CompileError(loc, "conflicting-modifiers", "'cased' cannot be combined with '\(type.rawValue)'")
            }
            if m.isTime, let type, type == .re || type == .cidr || type == .exists || type == .fieldref {
                throw CompileError(loc, "conflicting-modifiers", "'\(m.rawValue)' cannot be combined with '\(type.rawValue)'")
            }
            if m.isTime, let other = modifiers.first(where: { $0.0.isMatchKind || $0.0.isEncoding }) {
                throw CompileError(loc, "conflicting-modifiers", "'\(m.rawValue)' cannot be combined with '\(other.0.rawValue)'")
            }
            if m == .neq, let type, type == .exists || type.isCompare {
                throw CompileError(loc, "conflicting-modifiers", "'neq' cannot be combined with '\(type.rawValue)'")
            }
            if m == .all, type == .exists {
                throw CompileError(loc, "conflicting-modifiers", "'all' cannot be combined with 'exists'")
            }
            if m == .expand, type == .exists {
                throw CompileError(loc, "conflicting-modifiers", "'expand' cannot be combined with 'exists'")
            }
        }
    }
}
