import VigilEvents

/// A reference from one rule to another, resolved.
enum RuleRef: Sendable, Hashable {
    case detection(Int)
    case correlation(Int)
}

/// Every rule of a rule set, checked and cross-referenced; customer programs are compiled from it.
struct RuleCatalog: Sendable {
    var detections: [DetectionRule]
    var correlations: [CorrelationRule]
    var filters: [SigmaFilterRule]
    /// id, Sigma id and name → rule.
    var lookup: [String: RuleRef]
    /// For each correlation, its resolved references in order.
    var references: [[RuleRef]]
    /// Global Sigma filters per detection rule index.
    var detectionFilters: [[SigmaFilterRule]]
    var logsources: LogsourceMap
    /// Per detection rule: its logsource, resolved once for every customer.
    var resolvedLogsources: [LogsourceMap.Resolution] = []
    /// Per detection rule: the index options of logsource and detection, when the rule needs no placeholders.
    var sharedAtoms: [[[IndexAtom]]] = []
    /// Per detection rule: the matcher every customer that adds nothing to the rule shares.
    var sharedMatchers: [DetectionMatcher] = []
    /// Per detection rule: its text plus its logsource conditions (a changed logsources.yml changes it).
    var sharedFingerprints: [String] = []
    /// Selector lookups, so a playbook never scans every rule per selector.
    var byTag: [String: [RuleRef]] = [:]
    var byIDOrName: [String: RuleRef] = [:]
    var byPath: [(String, RuleRef)] = []

    /// Every rule a selector names.
    func select(_ selector: RuleSelector) -> [RuleRef] {
        switch selector.kind {
        case .all:
            return detections.indices.map { .detection($0) } + correlations.indices.map { .correlation($0) }
        case .idOrName(let s), .id(let s), .name(let s):
            guard let ref = byIDOrName[s] ?? lookup[s] else { return [] }
            return selector.matches(meta(ref)) ? [ref] : []
        case .tag(let pattern):
            if !pattern.utf8.contains(UInt8(ascii: "*")) && !pattern.utf8.contains(UInt8(ascii: "?")) { return byTag[pattern] ?? [] }
            var out: [RuleRef] = []
            for (tag, refs) in byTag where RuleSelector.glob(pattern, tag) { out.append(contentsOf: refs) }
            return Array(Set(out))
        case .path(let pattern):
            return byPath.filter { RuleSelector.glob(pattern, $0.0) }.map(\.1)
        }
    }

    func meta(_ ref: RuleRef) -> RuleMeta {
        switch ref {
        case .detection(let i): return detections[i].meta
        case .correlation(let i): return correlations[i].meta
        }
    }

    func level(_ ref: RuleRef) -> Level {
        switch ref {
        case .detection(let i): return detections[i].meta.level ?? .medium
        case .correlation(let i): return correlationLevel(i)
        }
    }

    /// A correlation without a level takes the highest level of the rules it refers to.
    func correlationLevel(_ i: Int) -> Level {
        if let l = correlations[i].meta.level { return l }
        return references[i].map { level($0) }.max() ?? .medium
    }

    /// Builds the catalog: duplicate ids, references, cycles, aliases.
    static func build(detections: [DetectionRule], correlations: [CorrelationRule], filters: [SigmaFilterRule], logsources: LogsourceMap,
                      sink: inout DiagnosticSink) -> RuleCatalog
    {
        var detections = detections.sorted { $0.meta.id < $1.meta.id }
        var correlations = correlations.sorted { $0.meta.id < $1.meta.id }
        var lookup: [String: RuleRef] = [:]
        var owners: [String: SourceLocation] = [:]
        func register(_ meta: RuleMeta, _ ref: RuleRef) -> Bool {
            var keys = [meta.id]
            if let n = meta.name, n != meta.id { keys.append(n) }
            for k in keys {
                if let previous = owners[k] {
                    sink.error(meta.location, "duplicate-rule", "rule id or name '\(k)' is already used at \(previous)")
                    return false
                }
            }
            for k in keys {
                owners[k] = meta.location
                lookup[k] = ref
            }
            return true
        }
        detections = detections.filter { d in register(d.meta, .detection(0)) }
        correlations = correlations.filter { c in register(c.meta, .correlation(0)) }
        lookup = [:]
        for (i, d) in detections.enumerated() {
            lookup[d.meta.id] = .detection(i)
            if let n = d.meta.name { lookup[n] = .detection(i) }
        }
        for (i, c) in correlations.enumerated() {
            lookup[c.meta.id] = .correlation(i)
            if let n = c.meta.name { lookup[n] = .correlation(i) }
        }
        // References.
        var references: [[RuleRef]] = []
        var broken: Set<Int> = []
        for (ci, c) in correlations.enumerated() {
            var refs: [RuleRef] = []
            for (name, loc) in c.references {
                guard let ref = lookup[name] else {
                    sink.error(loc, "unknown-rule-reference", "the correlation refers to '\(name)', which is no loaded rule id or name")
                    broken.insert(ci)
                    continue
                }
                if case .detection(let di) = ref, detections[di].meta.vigil.absence != nil {
                    sink.error(loc, "invalid-rule-reference", "'\(name)' is an absence rule; correlations cannot refer to it")
                    broken.insert(ci)
                }
                refs.append(ref)
            }
            references.append(refs)
        }
        // Cycles (depth-first search over correlation references).
        var state = [Int](repeating: 0, count: correlations.count)  // 0 new, 1 visiting, 2 done
        func visit(_ i: Int) -> Bool {
            if state[i] == 1 { return false }
            if state[i] == 2 { return true }
            state[i] = 1
            for case .correlation(let j) in references[i] where !visit(j) {
                return false
            }
            state[i] = 2
            return true
        }
        for i in correlations.indices where state[i] == 0 {
            if !visit(i) {
                sink.error(correlations[i].meta.location, "correlation-cycle", "the correlation '\(correlations[i].meta.id)' refers to itself through a chain of correlations")
                broken.insert(i)
            }
        }
        // Aliases name referenced rules.
        for (ci, c) in correlations.enumerated() where !broken.contains(ci) {
            let refNames = Set(c.references.map(\.0))
            for (alias, mapping) in c.aliases {
                for ruleName in mapping.keys where !refNames.contains(ruleName) {
                    sink.error(c.aliasLocation ?? c.meta.location, "invalid-aliases",
                               "alias '\(alias)' maps '\(ruleName)', which is not in the correlation's rules")
                }
            }
        }
        // Sigma filters.
        var detectionFilters = [[SigmaFilterRule]](repeating: [], count: detections.count)
        for f in filters {
            for (name, loc) in f.references {
                guard let ref = lookup[name] else {
                    sink.error(loc, "unknown-rule-reference", "the filter refers to '\(name)', which is no loaded rule id or name")
                    continue
                }
                guard case .detection(let di) = ref else {
                    sink.error(loc, "invalid-rule-reference", "filters apply to detection rules; '\(name)' is a correlation")
                    continue
                }
                detectionFilters[di].append(f)
            }
        }
        var catalog = RuleCatalog(detections: detections, correlations: correlations, filters: filters, lookup: lookup,
                                  references: references, detectionFilters: detectionFilters, logsources: logsources)
        for (i, d) in detections.enumerated() {
            for t in Set(d.meta.tags) { catalog.byTag[t, default: []].append(.detection(i)) }
            if let sid = d.meta.sigmaID { catalog.byIDOrName[sid] = .detection(i) }
            catalog.byPath.append((d.meta.relativePath, .detection(i)))
        }
        for (i, c) in correlations.enumerated() {
            for t in Set(c.meta.tags) { catalog.byTag[t, default: []].append(.correlation(i)) }
            if let sid = c.meta.sigmaID { catalog.byIDOrName[sid] = .correlation(i) }
            catalog.byPath.append((c.meta.relativePath, .correlation(i)))
        }
        for d in detections {
            let resolution = (try? logsources.resolve(d.logsource)) ?? LogsourceMap.Resolution(condition: nil, text: "", fields: [:])
            catalog.resolvedLogsources.append(resolution)
            catalog.sharedMatchers.append(DetectionMatcher(logsource: resolution.condition, detection: d.compiled))
            catalog.sharedAtoms.append((resolution.condition?.atomOptions() ?? []) + d.compiled.atomOptions())
            catalog.sharedFingerprints.append(resolution.text.isEmpty ? d.meta.fingerprint : Fingerprint.of(d.meta.fingerprint, resolution.text))
        }
        return catalog
    }

    /// Every rule as the outside sees it, sorted by id.
    var definitions: [RuleDefinition] {
        var out: [RuleDefinition] = []
        for d in detections {
            out.append(d.meta.definition(kind: d.meta.vigil.absence != nil ? .absence : .detection, level: d.meta.level ?? .medium))
        }
        for (i, c) in correlations.enumerated() {
            out.append(c.meta.definition(kind: .correlation, level: correlationLevel(i)))
        }
        return out.sorted { $0.id < $1.id }
    }
}
