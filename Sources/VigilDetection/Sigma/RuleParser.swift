import VigilEvents

/// One parsed YAML document of a rule file.
enum RuleDocument: Sendable {
    case detection(DetectionRule)
    case correlation(CorrelationRule)
    case filter(SigmaFilterRule)
}

/// Turns YAML documents into rules, checking every construct and rejecting what Vigil does not support.
struct RuleParser {
    var path: String
    var relativePath: String
    /// Field names from the logsource map's global `fields:`.
    var fieldMap: [String: String] = [:]
    private(set) var warnings: [RuleDiagnostic] = []

    static let levels = Level.allCases.map(\.rawValue)
    static let statuses = ["stable", "test", "experimental", "deprecated", "unsupported"]

    init(path: String, relativePath: String, fieldMap: [String: String] = [:]) {
        self.path = path
        self.relativePath = relativePath
        self.fieldMap = fieldMap
    }

    mutating func parse(_ doc: YAMLNode) throws(CompileError) -> RuleDocument {
        guard let pairs = doc.pairs else {
            throw CompileError(doc.location, "invalid-rule", "a rule document must be a mapping, not \(doc.kindName)")
        }
        if let action = doc.pair("action") {
            throw CompileError(action.key.location, "unsupported-action",
                               "'action: \(action.value.string ?? "…")' is the obsolete Sigma 1 rule collection syntax; split the documents into complete rules")
        }
        _ = pairs
        if doc["correlation"] != nil { return .correlation(try parseCorrelation(doc)) }
        if doc["filter"] != nil { return .filter(try parseFilter(doc)) }
        if doc["detection"] != nil { return .detection(try parseDetection(doc)) }
        throw CompileError(doc.location, "invalid-rule", "not a Sigma rule: a document needs 'detection', 'correlation' or 'filter'")
    }

    // MARK: - Common fields

    mutating func parseMeta(_ doc: YAMLNode, kind: String) throws(CompileError) -> RuleMeta {
        guard let titleNode = doc["title"] else {
            throw CompileError(doc.location, "missing-title", "the \(kind) rule has no 'title'")
        }
        guard let title = titleNode.string, !title.isEmpty else {
            throw CompileError(titleNode.location, "invalid-title", "'title' must be a non-empty string")
        }
        if title.count > 256 {
            throw CompileError(titleNode.location, "invalid-title", "'title' is longer than 256 characters")
        }
        var sigmaID: String?
        if let idNode = doc["id"] {
            guard let s = idNode.string, !s.isEmpty else {
                throw CompileError(idNode.location, "invalid-id", "'id' must be a non-empty string")
            }
            sigmaID = s
        }
        var name: String?
        if let n = doc["name"] {
            guard let s = n.string, !s.isEmpty, !s.contains(" ") else {
                throw CompileError(n.location, "invalid-name", "'name' must be a non-empty string without spaces")
            }
            name = s
        }
        guard let id = sigmaID ?? name else {
            throw CompileError(doc.location, "missing-id", "the rule '\(title)' needs an 'id' or a 'name' so playbooks and hits can refer to it")
        }
        var status: String?
        if let s = doc["status"] {
            guard let text = s.string, RuleParser.statuses.contains(text) else {
                throw CompileError(s.location, "invalid-status", "'status' must be one of \(RuleParser.statuses.joined(separator: ", "))")
            }
            status = text
        }
        var level: Level?
        if let l = doc["level"] {
            guard let text = l.string, let v = Level(rawValue: text) else {
                throw CompileError(l.location, "invalid-level", "'level' must be one of \(RuleParser.levels.joined(separator: ", "))")
            }
            level = v
        }
        var tags: [String] = []
        if let t = doc["tags"] {
            guard let list = t.stringList() else {
                throw CompileError(t.location, "invalid-tags", "'tags' must be a list of strings")
            }
            tags = list
        }
        var description: String?
        if let d = doc["description"] {
            guard let s = d.string else { throw CompileError(d.location, "invalid-description", "'description' must be a string") }
            description = s
        }
        let vigil = try VigilExtension.parse(doc["vigil"])
        return RuleMeta(id: id, sigmaID: sigmaID, name: name, title: title, status: status, description: description, level: level,
                        tags: tags, path: path, relativePath: relativePath, location: doc.location, vigil: vigil,
                        fingerprint: Fingerprint.of(doc.canonicalText))
    }

    // MARK: - Detection rules

    mutating func parseDetection(_ doc: YAMLNode) throws(CompileError) -> DetectionRule {
        let meta = try parseMeta(doc, kind: "detection")
        var logsource: LogsourceSpec?
        if let ls = doc["logsource"] {
            logsource = try RuleParser.parseLogsource(ls)
        } else {
            throw CompileError(doc.location, "missing-logsource", "the detection rule '\(meta.title)' has no 'logsource'")
        }
        let detectionNode = doc["detection"]!
        var compiler = DetectionCompiler(fieldMap: fieldMap, placeholders: .validation)
        let compiled = try compiler.compile(detection: detectionNode)
        warnings.append(contentsOf: compiler.warnings)
        if meta.vigil.absence != nil, meta.vigil.climb != nil {
            // Allowed: climbing applies to repeated silences.
        }
        if meta.vigil.realert != nil, meta.vigil.suppress == nil, meta.vigil.absence == nil, meta.vigil.groupBy == nil {
            throw CompileError(doc.location, "invalid-vigil", "vigil.realert on a detection rule needs vigil.group-by or vigil.suppress")
        }
        return DetectionRule(meta: meta, logsource: logsource, detectionNode: detectionNode, compiled: compiled,
                             usedPlaceholders: compiler.usedPlaceholders)
    }

    static func parseLogsource(_ node: YAMLNode) throws(CompileError) -> LogsourceSpec {
        guard let pairs = node.pairs else {
            throw CompileError(node.location, "invalid-logsource", "'logsource' must be a mapping of category, product and service")
        }
        var spec = LogsourceSpec(location: node.location)
        for pair in pairs {
            let key = pair.key.string ?? ""
            guard key == "category" || key == "product" || key == "service" else { continue }
            guard let value = pair.value.string, !value.isEmpty else {
                throw CompileError(pair.value.location, "invalid-logsource", "logsource \(key) must be a string")
            }
            switch key {
            case "category": spec.category = value.lowercased()
            case "product": spec.product = value.lowercased()
            default: spec.service = value.lowercased()
            }
        }
        return spec
    }

    // MARK: - Correlation rules

    static let correlationKeys = ["type", "rules", "group-by", "timespan", "condition", "aliases", "generate"]

    mutating func parseCorrelation(_ doc: YAMLNode) throws(CompileError) -> CorrelationRule {
        let meta = try parseMeta(doc, kind: "correlation")
        if let d = doc.pair("detection") {
            throw CompileError(d.key.location, "invalid-rule", "a document cannot hold both 'correlation' and 'detection'; put them in separate YAML documents (---)")
        }
        if meta.vigil.absence != nil {
            throw CompileError(doc.location, "invalid-vigil", "vigil.absence belongs on a detection rule, not a correlation")
        }
        let node = doc["correlation"]!
        guard let pairs = node.pairs else {
            throw CompileError(node.location, "invalid-correlation", "'correlation' must be a mapping")
        }
        for pair in pairs where !RuleParser.correlationKeys.contains(pair.key.string ?? "") {
            throw CompileError(pair.key.location, "unknown-correlation-key",
                               "unknown key '\(pair.key.string ?? "")' in correlation; allowed: \(RuleParser.correlationKeys.joined(separator: ", "))")
        }
        guard let typeNode = node["type"] else {
            throw CompileError(node.location, "missing-correlation-type", "the correlation has no 'type'")
        }
        guard let typeText = typeNode.string, let type = CorrelationType(rawValue: typeText) else {
            throw CompileError(typeNode.location, "unknown-correlation-type",
                               "unknown correlation type '\(typeNode.string ?? typeNode.kindName)'; supported: \(CorrelationType.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard let rulesNode = node["rules"] else {
            throw CompileError(node.location, "missing-correlation-rules", "the correlation has no 'rules'")
        }
        var references: [(String, SourceLocation)] = []
        if let s = rulesNode.string {
            references = [(s, rulesNode.location)]
        } else if let items = rulesNode.items, !items.isEmpty {
            for item in items {
                guard let s = item.string, !s.isEmpty else {
                    throw CompileError(item.location, "invalid-correlation-rules", "each entry of 'rules' must be a rule id or name")
                }
                if references.contains(where: { $0.0 == s }) {
                    throw CompileError(item.location, "duplicate-reference", "'\(s)' appears twice in 'rules'")
                }
                references.append((s, item.location))
            }
        } else {
            throw CompileError(rulesNode.location, "invalid-correlation-rules", "'rules' must be a rule id or name, or a list of them")
        }
        if type.isTemporal, references.count < 2 {
            throw CompileError(rulesNode.location, "invalid-correlation-rules", "a \(type.rawValue) correlation needs at least two rules")
        }
        var groupBy: [String] = []
        var groupByLocation = node.location
        if let g = node["group-by"] {
            guard let list = g.stringList() else {
                throw CompileError(g.location, "invalid-group-by", "'group-by' must be a list of field names")
            }
            if Set(list).count != list.count {
                throw CompileError(g.location, "invalid-group-by", "'group-by' lists a field twice")
            }
            groupBy = list.map { fieldMap[$0] ?? $0 }
            groupByLocation = g.location
        }
        guard let spanNode = node["timespan"] else {
            throw CompileError(node.location, "missing-timespan", "the correlation has no 'timespan'")
        }
        guard let spanText = spanNode.string, let timespan = SigmaTimespan.parse(spanText) else {
            let text = spanNode.string ?? spanNode.kindName
            let hint = text.hasSuffix("M") || text.hasSuffix("y") ? " (months and years are not fixed lengths; use days)" : ""
            throw CompileError(spanNode.location, "invalid-timespan", "'\(text)' is not a timespan such as 30s, 5m, 1h or 1d\(hint)")
        }
        var aliases: [String: [String: String]] = [:]
        var aliasLocation: SourceLocation?
        if let a = node["aliases"] {
            aliasLocation = a.location
            guard let aliasPairs = a.pairs else {
                throw CompileError(a.location, "invalid-aliases", "'aliases' must map each alias to rule names and fields")
            }
            for pair in aliasPairs {
                guard let alias = pair.key.string, let mapping = pair.value.pairs else {
                    throw CompileError(pair.value.location, "invalid-aliases", "alias '\(pair.key.string ?? "")' must map rule names to field names")
                }
                var m: [String: String] = [:]
                for entry in mapping {
                    guard let ruleRef = entry.key.string, let field = entry.value.string else {
                        throw CompileError(entry.value.location, "invalid-aliases", "alias '\(alias)' must map rule names to field names")
                    }
                    m[ruleRef] = fieldMap[field] ?? field
                }
                aliases[alias] = m
            }
        }
        var generate = false
        if let g = node["generate"] {
            guard case .bool(let b)? = g.scalar?.typed else {
                throw CompileError(g.location, "invalid-generate", "'generate' must be true or false")
            }
            generate = b
        }
        // Condition.
        var condition: CountCondition
        var field: String?
        var percentile: Double?
        let conditionLocation = node["condition"]?.location ?? node.location
        if let c = node["condition"] {
            if c.string != nil {
                throw CompileError(c.location, "unsupported-extended-condition",
                                   "a string condition (pySigma's extended temporal condition) is not supported; use a mapping such as {gte: 2}")
            }
            guard let condPairs = c.pairs else {
                throw CompileError(c.location, "invalid-condition", "the correlation condition must be a mapping such as {gte: 10}")
            }
            var terms: [CountCondition.Term] = []
            for pair in condPairs {
                let key = pair.key.string ?? ""
                if key == "field" {
                    guard let f = pair.value.string, !f.isEmpty else {
                        throw CompileError(pair.value.location, "invalid-condition", "condition 'field' must be a field name")
                    }
                    field = fieldMap[f] ?? f
                    continue
                }
                if key == "percentile" {
                    guard let p = RuleParser.number(pair.value), p >= 0, p <= 100 else {
                        throw CompileError(pair.value.location, "invalid-condition", "condition 'percentile' must be a number from 0 to 100")
                    }
                    percentile = p
                    continue
                }
                guard let op = CountCondition.Operator(rawValue: key) else {
                    throw CompileError(pair.key.location, "invalid-condition",
                                       "unknown condition '\(key)'; allowed: gt, gte, lt, lte, eq, neq, field, percentile")
                }
                guard let value = RuleParser.number(pair.value) else {
                    throw CompileError(pair.value.location, "invalid-condition", "condition '\(key)' needs a number")
                }
                terms.append(CountCondition.Term(op: op, value: value))
            }
            if terms.isEmpty {
                throw CompileError(c.location, "invalid-condition", "the correlation condition needs at least one of gt, gte, lt, lte, eq, neq")
            }
            condition = CountCondition(terms: terms)
        } else if type.isTemporal {
            condition = CountCondition(terms: [.init(op: .gte, value: Double(references.count))])
        } else {
            throw CompileError(node.location, "missing-condition", "a \(type.rawValue) correlation needs a 'condition'")
        }
        if type.needsField, field == nil {
            throw CompileError(conditionLocation, "missing-condition-field", "a \(type.rawValue) correlation needs 'field' in its condition")
        }
        if !type.needsField, field != nil {
            throw CompileError(conditionLocation, "invalid-condition", "'field' has no meaning in a \(type.rawValue) correlation")
        }
        if type == .valuePercentile, percentile == nil {
            throw CompileError(conditionLocation, "missing-percentile", "a value_percentile correlation needs 'percentile' (0-100) in its condition")
        }
        if type != .valuePercentile, percentile != nil {
            throw CompileError(conditionLocation, "invalid-condition", "'percentile' only applies to value_percentile")
        }
        if type == .temporalOrdered, condition != CountCondition(terms: [.init(op: .gte, value: Double(references.count))]) {
            throw CompileError(conditionLocation, "unsupported-ordered-condition",
                               "temporal_ordered supports only its default condition (all \(references.count) rules, in order)")
        }
        if type == .temporal {
            for t in condition.terms where t.value > Double(references.count) && (t.op == .gte || t.op == .gt || t.op == .eq) {
                throw CompileError(conditionLocation, "impossible-condition",
                                   "the condition asks for more distinct rules than the \(references.count) listed")
            }
        }
        if !type.isTemporal && groupBy.isEmpty && node["group-by"] == nil {
            warnings.append(RuleDiagnostic(at: node.location, severity: .warning, code: "no-group-by",
                                           message: "the correlation has no 'group-by'; all events of a customer form one group"))
        }
        if meta.vigil.groupBy != nil {
            throw CompileError(doc.location, "invalid-vigil", "vigil.group-by is for detection rules; a correlation uses its own group-by")
        }
        return CorrelationRule(meta: meta, type: type, references: references, groupBy: groupBy, groupByLocation: groupByLocation,
                               aliases: aliases, aliasLocation: aliasLocation, timespan: timespan, timespanLocation: spanNode.location,
                               condition: condition, conditionLocation: conditionLocation, field: field, percentile: percentile,
                               generate: generate)
    }

    static func number(_ node: YAMLNode) -> Double? {
        switch node.scalar?.typed {
        case .int(let i)?: return Double(i)
        case .double(let d)? where d.isFinite: return d
        default: return nil
        }
    }

    // MARK: - Filters

    mutating func parseFilter(_ doc: YAMLNode) throws(CompileError) -> SigmaFilterRule {
        guard let titleNode = doc["title"], let title = titleNode.string else {
            throw CompileError(doc.location, "missing-title", "the filter has no 'title'")
        }
        let node = doc["filter"]!
        guard node.pairs != nil else { throw CompileError(node.location, "invalid-filter", "'filter' must be a mapping") }
        guard let rulesNode = node["rules"] else {
            throw CompileError(node.location, "missing-filter-rules", "the filter has no 'rules'")
        }
        var references: [(String, SourceLocation)] = []
        if let s = rulesNode.string {
            references = [(s, rulesNode.location)]
        } else if let items = rulesNode.items {
            for item in items {
                guard let s = item.string else { throw CompileError(item.location, "invalid-filter", "filter rules must be ids or names") }
                references.append((s, item.location))
            }
        } else {
            throw CompileError(rulesNode.location, "invalid-filter", "filter 'rules' must be a list of rule ids or names")
        }
        // The filter body is a detection without 'rules'.
        var bodyPairs = node.pairs!
        bodyPairs.removeAll { $0.key.string == "rules" }
        var compiler = DetectionCompiler(fieldMap: fieldMap, placeholders: .forbidden("a Sigma filter"))
        let compiled = try compiler.compile(detection: YAMLNode(content: .mapping(bodyPairs), location: node.location))
        warnings.append(contentsOf: compiler.warnings)
        return SigmaFilterRule(title: title, id: doc["id"]?.string, references: references, detection: compiled,
                               location: doc.location, path: path, fingerprint: Fingerprint.of(doc.canonicalText))
    }
}
