import VigilEvents

/// Where `%name%` placeholders (the `expand` modifier) get their values.
enum PlaceholderSource: Sendable {
    /// Rule checking without a customer: placeholders are recorded, not expanded.
    case validation
    /// A customer's playbook values; `owner` names the playbook in errors.
    case values([String: [String]], owner: String)
    /// Where no customer applies (logsource map, filters, playbook conditions): `expand` is an error.
    case forbidden(String)
}

/// Compiles a Sigma `detection` section into a `CompiledDetection`.
struct DetectionCompiler {
    var fieldMap: [String: String]
    var placeholders: PlaceholderSource
    /// Placeholder names the rule uses, collected while compiling.
    private(set) var usedPlaceholders: Set<String> = []
    private(set) var warnings: [RuleDiagnostic] = []

    init(fieldMap: [String: String] = [:], placeholders: PlaceholderSource = .validation) {
        self.fieldMap = fieldMap
        self.placeholders = placeholders
    }

    /// More contains-values than this in one OR list are searched with Aho–Corasick.
    static let multiPatternThreshold = 4

    mutating func compile(detection node: YAMLNode) throws(CompileError) -> CompiledDetection {
        guard let pairs = node.pairs else {
            throw CompileError(node.location, "invalid-detection", "'detection' must be a mapping of search identifiers and a condition")
        }
        var selections: [Selection] = []
        var conditionNode: YAMLNode?
        for pair in pairs {
            guard let key = pair.key.string else {
                throw CompileError(pair.key.location, "invalid-detection", "search identifiers must be strings")
            }
            switch key {
            case "condition":
                conditionNode = pair.value
            case "timeframe":
                throw CompileError(pair.key.location, "unsupported-timeframe",
                                   "'timeframe' belongs to the obsolete Sigma 1 aggregation syntax; write a correlation rule with a timespan instead")
            default:
                if !key.unicodeScalars.allSatisfy({ ConditionParser.isWordScalar($0) && $0 != "*" && $0 != "?" }) {
                    throw CompileError(pair.key.location, "invalid-identifier",
                                       "search identifier '\(key)' can only hold letters, digits, '_', '-' and '.'")
                }
                let matcher = try compileSelection(pair.value, name: key)
                selections.append(Selection(name: key, matcher: matcher, location: pair.key.location))
            }
        }
        guard let conditionNode else {
            throw CompileError(node.location, "missing-condition", "the detection has no 'condition'")
        }
        if selections.isEmpty {
            throw CompileError(node.location, "missing-selection", "the detection defines no search identifier")
        }
        let names = selections.map(\.name)
        var conditionTexts: [(String, SourceLocation)] = []
        if let s = conditionNode.scalar, !s.isNull {
            conditionTexts.append((s.text, conditionNode.location.advanced(by: s.quoted ? 1 : 0)))
        } else if let items = conditionNode.items, !items.isEmpty {
            for item in items {
                guard let s = item.scalar, !s.isNull else {
                    throw CompileError(item.location, "invalid-condition", "each condition in the list must be a string")
                }
                conditionTexts.append((s.text, item.location.advanced(by: s.quoted ? 1 : 0)))
            }
        } else {
            throw CompileError(conditionNode.location, "invalid-condition", "'condition' must be a string or a list of strings")
        }
        var exprs: [ConditionExpr] = []
        var referenced: Set<String> = []
        for (text, location) in conditionTexts {
            do {
                let ast = try ConditionParser.parse(text)
                exprs.append(try ast.resolve(names: names))
                referenced.formUnion(ast.referencedNames(in: names))
            } catch {
                throw CompileError(location.advanced(by: error.offset), error.code, error.message)
            }
        }
        for sel in selections where !referenced.contains(sel.name) {
            warnings.append(RuleDiagnostic(at: sel.location, severity: .warning, code: "unused-identifier",
                                           message: "search identifier '\(sel.name)' is not used in the condition"))
        }
        let condition = exprs.count == 1 ? exprs[0] : .or(exprs)
        return CompiledDetection(selections: selections, condition: condition,
                                 conditionText: conditionTexts.map(\.0).joined(separator: " | or | "))
    }

    mutating func compileSelection(_ node: YAMLNode, name: String) throws(CompileError) -> SelectionMatcher {
        switch node.content {
        case .mapping(let pairs):
            if pairs.isEmpty {
                throw CompileError(node.location, "empty-selection", "search identifier '\(name)' is empty")
            }
            var tests: [FieldTest] = []
            for pair in pairs { tests.append(try compileEntry(key: pair.key, value: pair.value)) }
            return .allOf(tests)
        case .sequence(let items):
            if items.isEmpty {
                throw CompileError(node.location, "empty-selection", "search identifier '\(name)' is an empty list")
            }
            var keywordNodes: [YAMLNode] = []
            var maps: [SelectionMatcher] = []
            for item in items {
                switch item.content {
                case .scalar:
                    keywordNodes.append(item)
                case .mapping:
                    maps.append(try compileSelection(item, name: name))
                case .sequence:
                    throw CompileError(item.location, "invalid-selection", "a list inside a list is not allowed in search identifier '\(name)'")
                }
            }
            var alternatives = maps
            if !keywordNodes.isEmpty {
                let key = ModifiedKey(field: "", modifiers: [], text: "keywords", location: keywordNodes[0].location)
                let list = YAMLNode(content: .sequence(keywordNodes), location: keywordNodes[0].location)
                alternatives.insert(.allOf([try compileValues(key: key, values: list)]), at: 0)
            }
            return alternatives.count == 1 ? alternatives[0] : .anyOf(alternatives)
        case .scalar(let s):
            if s.isNull {
                throw CompileError(node.location, "empty-selection", "search identifier '\(name)' is empty")
            }
            let key = ModifiedKey(field: "", modifiers: [], text: "keywords", location: node.location)
            return .allOf([try compileValues(key: key, values: node)])
        }
    }

    mutating func compileEntry(key keyNode: YAMLNode, value: YAMLNode) throws(CompileError) -> FieldTest {
        let key = try ModifiedKey.parse(keyNode)
        try key.validate()
        return try compileValues(key: key, values: value)
    }

    /// Compiles the value(s) of one key.
    mutating func compileValues(key: ModifiedKey, values node: YAMLNode) throws(CompileError) -> FieldTest {
        let isKeyword = key.field.isEmpty
        let field = isKeyword ? "message" : (fieldMap[key.field] ?? key.field)
        var valueNodes: [YAMLNode]
        switch node.content {
        case .sequence(let items):
            valueNodes = items
            if items.isEmpty {
                throw CompileError(node.location, "empty-value-list", "'\(key.text)' has an empty list of values")
            }
        case .scalar: valueNodes = [node]
        case .mapping:
            throw CompileError(node.location, "invalid-value", "the value of '\(key.text)' must be a scalar or a list, not a mapping")
        }
        for v in valueNodes where v.scalar == nil {
            throw CompileError(v.location, "invalid-value", "values of '\(key.text)' must be scalars, not \(v.kindName)")
        }
        let all = key.has(.all)
        if all, valueNodes.count < 2 {
            throw CompileError(key.location(of: .all), "all-needs-list", "the 'all' modifier needs a list of at least two values")
        }
        let negated = key.has(.neq)
        let time = key.modifiers.first { $0.0.isTime }.map { TimeComponent(rawValue: $0.0.rawValue)! }

        // exists: one boolean.
        if key.has(.exists) {
            guard valueNodes.count == 1, case .bool(let b) = valueNodes[0].scalar!.typed else {
                throw CompileError(node.location, "invalid-value", "'exists' takes a single true or false")
            }
            return FieldTest(field: field, check: .exists(b), negated: false, timeComponent: nil, location: key.location, source: key.text)
        }

        // Placeholders are expanded on the raw value text first.
        var rawValues: [(YAMLScalar, SourceLocation)] = []
        for v in valueNodes {
            let scalar = v.scalar!
            if key.has(.expand) {
                guard !scalar.isNull else {
                    throw CompileError(v.location, "invalid-value", "'expand' needs a string value")
                }
                for expanded in try expand(scalar.text, at: v.location) {
                    rawValues.append((YAMLScalar(text: expanded, quoted: true), v.location))
                }
            } else {
                rawValues.append((scalar, v.location))
            }
        }

        if key.has(.fieldref) {
            var others: [String] = []
            for (s, loc) in rawValues {
                guard case .string(let name) = s.typed, !name.isEmpty else {
                    throw CompileError(loc, "invalid-value", "'fieldref' takes field names")
                }
                others.append(fieldMap[name] ?? name)
            }
            let kind: StringPattern.Kind = key.has(.contains) ? .contains : key.has(.startswith) ? .prefix : key.has(.endswith) ? .suffix : .equals
            return FieldTest(field: field, check: .fieldRef(others, kind, caseSensitive: key.has(.cased), all: all),
                             negated: negated, timeComponent: nil, location: key.location, source: key.text)
        }

        var alternatives: [FieldTest.Alternative] = []
        for (scalar, loc) in rawValues {
            alternatives.append(contentsOf: try compileValue(scalar, at: loc, key: key, keyword: isKeyword))
        }
        if !all { alternatives = DetectionCompiler.mergeSubstrings(alternatives) }
        return FieldTest(field: field, check: .values(alternatives, all: all), negated: negated, timeComponent: time,
                         location: key.location, source: key.text)
    }

    private mutating func compileValue(_ scalar: YAMLScalar, at loc: SourceLocation, key: ModifiedKey, keyword: Bool) throws(CompileError) -> [FieldTest.Alternative] {
        let typed = scalar.typed
        if key.has(.re) {
            guard case .string(let pattern) = typed else {
                throw CompileError(loc, "invalid-value", "'re' needs a string value")
            }
            let flags = key.modifiers.filter { $0.0.isRegexFlag }.map(\.0.rawValue).joined()
            do {
                return [.value(.regex(try RegexBox(pattern: pattern, flags: flags)))]
            } catch {
                throw CompileError(loc, "invalid-regex", "invalid regular expression '\(pattern)': \(error)")
            }
        }
        if key.has(.cidr) {
            guard case .string(let text) = typed, let block = CIDRBlock(text) else {
                throw CompileError(loc, "invalid-cidr", "'\(scalar.text)' is not a CIDR block such as 10.0.0.0/8 or 2001:db8::/32")
            }
            return [.value(.cidr(block))]
        }
        if let op = key.modifiers.first(where: { $0.0.isCompare })?.0 {
            let number: Double?
            switch typed {
            case .int(let i): number = Double(i)
            case .double(let d): number = d
            case .string(let s): number = Double(s)
            default: number = nil
            }
            guard let number, number.isFinite else {
                throw CompileError(loc, "invalid-value", "'\(op.rawValue)' needs a number, not '\(scalar.text)'")
            }
            return [.value(.compare(CompareOperator(rawValue: op.rawValue)!, number))]
        }
        let transforms = key.modifiers.filter { $0.0.isEncoding || $0.0.isMatchKind }
        if transforms.isEmpty && !keyword {
            switch typed {
            case .null: return [.null]
            case .bool(let b): return [.value(.bool(b))]
            case .int(let i):
                return [.value(.number(Double(i), StringPattern(SigmaString(literal: scalar.text), caseSensitive: false)))]
            case .double(let d):
                return [.value(.number(d, StringPattern(SigmaString(literal: scalar.text), caseSensitive: false)))]
            case .string: break
            }
        }
        if typed == .null {
            throw CompileError(loc, "invalid-value", "null cannot be used with '\(transforms.first?.0.rawValue ?? "keywords")'")
        }
        if key.has(.startswith) == false, key.has(.endswith) == false, key.has(.contains) == false, key.modifiers.contains(where: { $0.0.isTime }) {
            guard case .int(let i) = typed else {
                throw CompileError(loc, "invalid-value", "time modifiers need a whole number")
            }
            return [.value(.number(Double(i), StringPattern(SigmaString(literal: scalar.text), caseSensitive: false)))]
        }
        // The string path: escapes, then each transformation in the order written.
        var values: [(SigmaString, Bool)] = [(SigmaString(parsing: scalar.text), key.has(.cased))]
        var wrapped = false
        for (m, mloc) in transforms {
            var next: [(SigmaString, Bool)] = []
            for (value, cased) in values {
                switch m {
                case .contains: var v = value; v.wrapForContains(); next.append((v, cased)); wrapped = true
                case .startswith: var v = value; v.makePrefixPattern(); next.append((v, cased)); wrapped = true
                case .endswith: var v = value; v.makeSuffixPattern(); next.append((v, cased)); wrapped = true
                case .windash:
                    guard let variants = ValueEncoding.windash(value) else {
                        throw CompileError(mloc, "windash-too-many", "'windash' would create too many variants of '\(value)'")
                    }
                    next.append(contentsOf: variants.map { ($0, cased) })
                case .base64, .base64offset, .utf16le, .utf16be, .utf16, .wide:
                    guard let text = value.plain else {
                        throw CompileError(mloc, "encoding-wildcard",
                                           "'\(m.rawValue)' cannot encode a value with wildcards ('\(value)'); put contains/startswith/endswith after it")
                    }
                    switch m {
                    case .base64:
                        next.append((SigmaString(literal: ValueEncoding.base64(ValueEncoding.bytes(of: text))), true))
                    case .base64offset:
                        for fragment in ValueEncoding.base64Offsets(ValueEncoding.bytes(of: text)) {
                            next.append((SigmaString(literal: fragment), true))
                        }
                    case .utf16le, .wide:
                        next.append((SigmaString(literal: ValueEncoding.latin1String(ValueEncoding.utf16LE(text))), cased))
                    case .utf16be:
                        next.append((SigmaString(literal: ValueEncoding.latin1String(ValueEncoding.utf16BE(text))), cased))
                    default:
                        next.append((SigmaString(literal: ValueEncoding.latin1String(ValueEncoding.utf16WithBOM(text))), cased))
                    }
                default:
                    next.append((value, cased))
                }
            }
            values = next
        }
        if keyword && !wrapped {
            values = values.map { var v = $0.0; v.wrapForContains(); return (v, $0.1) }
        }
        return values.map { .value(.string(StringPattern($0.0, caseSensitive: $0.1))) }
    }

    /// Replaces runs of plain substring tests by one Aho–Corasick search.
    static func mergeSubstrings(_ alternatives: [FieldTest.Alternative]) -> [FieldTest.Alternative] {
        for cased in [false, true] {
            let candidates = alternatives.filter {
                if case .value(.string(let p)) = $0 { return p.kind == .contains && p.caseSensitive == cased && !p.bytes.isEmpty }
                return false
            }
            guard candidates.count >= multiPatternThreshold else { continue }
            var patterns: [[UInt8]] = []
            var texts: [String] = []
            var rest: [FieldTest.Alternative] = []
            for alt in alternatives {
                if case .value(.string(let p)) = alt, p.kind == .contains, p.caseSensitive == cased, !p.bytes.isEmpty {
                    patterns.append(p.bytes)
                    texts.append(String(decoding: p.bytes, as: UTF8.self))
                } else {
                    rest.append(alt)
                }
            }
            return [.value(.anySubstring(AhoCorasick(patterns: patterns), texts, caseSensitive: cased))] + mergeSubstrings(rest)
        }
        return alternatives
    }

    /// Substitutes `%name%` placeholders; `\%` stays a plain percent sign.
    mutating func expand(_ text: String, at loc: SourceLocation) throws(CompileError) -> [String] {
        enum Part { case literal(String), placeholder(String) }
        var parts: [Part] = []
        var literal = ""
        let scalars = Array(text.unicodeScalars)
        var i = 0
        while i < scalars.count {
            let c = scalars[i]
            if c == "\\", i + 1 < scalars.count, scalars[i + 1] == "%" {
                literal.unicodeScalars.append("%")
                i += 2
                continue
            }
            if c == "%", let close = scalars[(i + 1)...].firstIndex(of: "%"), close > i + 1,
               scalars[(i + 1)..<close].allSatisfy({ $0.properties.isAlphabetic || $0.properties.numericType != nil || $0 == "_" || $0 == "-" || $0 == "." })
            {
                if !literal.isEmpty { parts.append(.literal(literal)); literal = "" }
                var name = ""
                name.unicodeScalars.append(contentsOf: scalars[(i + 1)..<close])
                parts.append(.placeholder(name))
                i = close + 1
                continue
            }
            literal.unicodeScalars.append(c)
            i += 1
        }
        if !literal.isEmpty { parts.append(.literal(literal)) }
        var results = [""]
        for part in parts {
            switch part {
            case .literal(let s):
                results = results.map { $0 + s }
            case .placeholder(let name):
                usedPlaceholders.insert(name)
                let values: [String]
                switch placeholders {
                case .validation:
                    // Checking without a customer: the value is unknown, so it contributes no test.
                    values = []
                case .forbidden(let place):
                    throw CompileError(loc, "unsupported-placeholder", "placeholders (%\(name)%) cannot be used in \(place)")
                case .values(let map, let owner):
                    guard let v = map[name] else {
                        throw CompileError(loc, "undefined-placeholder", "placeholder %\(name)% is not defined in \(owner)")
                    }
                    values = v
                }
                var next: [String] = []
                for r in results { for v in values { next.append(r + v) } }
                results = next
                if results.count > 10_000 {
                    throw CompileError(loc, "placeholder-explosion", "placeholders in '\(text)' expand to more than 10000 values")
                }
            }
        }
        return results
    }
}
