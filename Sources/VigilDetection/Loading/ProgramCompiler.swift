import VigilEvents

/// Compiles one customer's playbook against the catalog into a `CustomerProgram`.
struct ProgramCompiler {
    let catalog: RuleCatalog
    let playbook: Playbook
    /// The implicit eval customer: problems become warnings and the rule is left out.
    let isDefault: Bool
    var sink = DiagnosticSink()

    init(catalog: RuleCatalog, playbook: Playbook, isDefault: Bool) {
        self.catalog = catalog
        self.playbook = playbook
        self.isDefault = isDefault
    }

    private mutating func problem(_ location: SourceLocation, _ code: String, _ message: String) {
        if isDefault {
            sink.warning(location, code, message)
        } else {
            sink.error(location, code, message)
        }
    }

    mutating func compile() -> CustomerProgram? {
        let who = isDefault ? "the default customer" : "playbook '\(playbook.id)'"
        // 1. Enabled rules.
        var enabledD = Set<Int>()
        var enabledC = Set<Int>()
        for sel in playbook.enable {
            let refs = catalog.select(sel)
            for ref in refs {
                switch ref {
                case .detection(let i): enabledD.insert(i)
                case .correlation(let i): enabledC.insert(i)
                }
            }
            if refs.isEmpty && !isDefault { sink.error(sel.location, "unmatched-selector", "enable selector '\(sel)' matches no rule") }
        }
        for sel in playbook.disable {
            let refs = catalog.select(sel)
            for ref in refs {
                switch ref {
                case .detection(let i): enabledD.remove(i)
                case .correlation(let i): enabledC.remove(i)
                }
            }
            if refs.isEmpty { sink.error(sel.location, "unmatched-selector", "disable selector '\(sel)' matches no rule") }
        }
        // Filters and exclusions, resolved to rule sets once.
        let filterTargets = playbook.filters.map { f in Set(f.selectors.flatMap { catalog.select($0) }) }
        let exclusionTargets = playbook.monitoringExclusions.map { m in m.selectors.map { Set($0.flatMap { catalog.select($0) }) } }
        if playbook.enable.isEmpty && !isDefault {
            sink.warning(playbook.location, "nothing-enabled", "\(who) enables no rules")
        }
        // 2. Active rules: enabled ones plus everything enabled correlations refer to.
        var activeD = enabledD
        var activeC = enabledC
        var stack = Array(enabledC)
        while let c = stack.popLast() {
            for ref in catalog.references[c] {
                switch ref {
                case .detection(let d): activeD.insert(d)
                case .correlation(let j): if activeC.insert(j).inserted { stack.append(j) }
                }
            }
        }
        // 3. Settings must name a rule.
        var settingsByRef: [RuleRef: RuleSettings] = [:]
        for s in playbook.settings {
            guard let ref = catalog.lookup[s.reference] else {
                sink.error(s.location, "unknown-rule", "settings for '\(s.reference)', which is no loaded rule id or name")
                continue
            }
            settingsByRef[ref] = s
            if case .detection(let d) = ref, catalog.detections[d].meta.vigil.absence == nil,
               s.threshold != nil || s.condition != nil || s.timespan != nil
            {
                sink.error(s.location, "invalid-setting", "'\(s.reference)' is a detection rule; threshold, condition and timespan apply to correlations")
            }
            if case .detection(let d) = ref, catalog.detections[d].meta.vigil.absence != nil, s.threshold != nil || s.condition != nil {
                sink.error(s.location, "invalid-setting", "'\(s.reference)' is an absence rule; it takes timespan and group-by, not a threshold")
            }
            let active: Bool
            switch ref {
            case .detection(let d): active = activeD.contains(d)
            case .correlation(let c): active = activeC.contains(c)
            }
            if !active { sink.warning(s.location, "settings-for-disabled-rule", "'\(s.reference)' has settings but is not enabled in \(who)") }
        }
        // 4. Rules whose own output is switched off by a non-generating correlation.
        var silencedD = Set<Int>()
        var silencedC = Set<Int>()
        for c in activeC where !catalog.correlations[c].generate {
            for ref in catalog.references[c] {
                switch ref {
                case .detection(let d): silencedD.insert(d)
                case .correlation(let j): silencedC.insert(j)
                }
            }
        }
        // 5. Detection instances (absence rules get a correlation instance too).
        var detectionIndex: [Int: Int] = [:]  // catalog index → instance index
        var detectionRules: [(Int, DetectionRule, CompiledDetection, SelectionMatcher?, String)] = []
        var detectionAtoms: [[[IndexAtom]]] = []
        for d in activeD.sorted() {
            let rule = catalog.detections[d]
            var compiled = rule.compiled
            var placeholderText = ""
            if !rule.usedPlaceholders.isEmpty {
                var compiler = DetectionCompiler(fieldMap: catalog.resolvedLogsources[d].fields,
                                                 placeholders: .values(playbook.placeholders, owner: isDefault ? "the default customer (use --customer)" : "playbook \(playbook.path)"))
                do {
                    compiled = try compiler.compile(detection: rule.detectionNode)
                } catch {
                    problem(error.location, error.code, "rule '\(rule.meta.id)' for \(who): \(error.message)")
                    continue
                }
                placeholderText = rule.usedPlaceholders.sorted().map { "\($0)=\(playbook.placeholders[$0] ?? [])" }.joined(separator: ";")
            }
            let resolution = catalog.resolvedLogsources[d]
            detectionAtoms.append(rule.usedPlaceholders.isEmpty ? catalog.sharedAtoms[d]
                : (resolution.condition?.atomOptions() ?? []) + compiled.atomOptions())
            detectionIndex[d] = detectionRules.count
            detectionRules.append((d, rule, compiled, resolution.condition, placeholderText))
        }
        // 6. Correlation instances: Sigma correlations (sorted by id), then absence rules.
        var correlationIndex: [Int: Int] = [:]
        let correlationOrder = activeC.sorted()
        for (n, c) in correlationOrder.enumerated() { correlationIndex[c] = n }
        let absenceRules = detectionRules.enumerated().filter { $0.element.1.meta.vigil.absence != nil }

        var consumersOfDetection = [[(Int, Int)]](repeating: [], count: detectionRules.count)
        var consumersOfCorrelation = [[(Int, Int)]](repeating: [], count: correlationOrder.count + absenceRules.count)
        struct PendingCorrelation {
            var key: String
            var kind: CorrelationKind
            var inputs: [CorrelationInput]
            var groupNames: [String]
            var timespan: TimeSpan
            var condition: CountCondition
            var emits: Bool
            var spec: HitSpec
            var expected: [String]
            var ownFingerprint: String
        }
        var pending: [PendingCorrelation] = []
        var correlationGroupNames: [Int: [String]] = [:]
        // Group names first, so chained correlations can check what their inputs group by.
        for c in correlationOrder {
            let rule = catalog.correlations[c]
            correlationGroupNames[c] = settingsByRef[.correlation(c)]?.groupBy ?? rule.groupBy
        }
        var failed = false
        for (n, c) in correlationOrder.enumerated() {
            let rule = catalog.correlations[c]
            let settings = settingsByRef[.correlation(c)]
            let groupBy = correlationGroupNames[c] ?? rule.groupBy
            var condition = rule.condition
            if let s = settings {
                if let cond = s.condition {
                    if rule.type == .temporalOrdered {
                        sink.error(s.location, "invalid-setting", "temporal_ordered has a fixed condition; '\(s.reference)' cannot override it")
                    }
                    condition = cond
                }
                if let t = s.threshold {
                    if condition.terms.count != 1 || rule.type == .temporalOrdered {
                        sink.error(s.location, "invalid-threshold", "'\(s.reference)' has a condition with \(condition.terms.count) bounds; give 'condition' instead of 'threshold'")
                    } else {
                        condition.terms[0].value = t
                    }
                }
            }
            var inputs: [CorrelationInput] = []
            for (k, ref) in catalog.references[c].enumerated() {
                let refName = rule.references[k].0
                let refLocation = rule.references[k].1
                func resolveField(_ name: String) -> String {
                    if let mapping = rule.aliases[name] {
                        if let f = mapping[refName] { return f }
                        let meta = catalog.meta(ref)
                        for key in [meta.id, meta.name, meta.sigmaID].compactMap({ $0 }) { if let f = mapping[key] { return f } }
                    }
                    return name
                }
                var fields: [String] = []
                for g in groupBy {
                    if let mapping = rule.aliases[g], mapping[refName] == nil, !([catalog.meta(ref).id, catalog.meta(ref).name].compactMap { $0 }.contains { mapping[$0] != nil }) {
                        sink.error(rule.aliasLocation ?? rule.groupByLocation, "invalid-aliases", "alias '\(g)' gives no field for rule '\(refName)'")
                        failed = true
                    }
                    fields.append(resolveField(g))
                }
                let valueField = rule.field.map(resolveField)
                switch ref {
                case .detection(let d):
                    guard let di = detectionIndex[d] else { failed = true; continue }
                    consumersOfDetection[di].append((n, k))
                    inputs.append(CorrelationInput(source: .detection(di), groupFields: fields, valueField: valueField))
                case .correlation(let j):
                    let innerNames = correlationGroupNames[j] ?? []
                    for f in fields where !innerNames.contains(f) {
                        let message = "groups by '\(f)', but the correlation '\(refName)' it refers to does not group by it (it groups by \(innerNames.isEmpty ? "nothing" : innerNames.joined(separator: ", ")))"
                        if let s = settings, s.groupBy != nil { sink.error(s.location, "incompatible-group-by", "'\(s.reference)' \(message)") } else { sink.error(refLocation, "incompatible-group-by", "the correlation \(message)") }
                        failed = true
                    }
                    if let v = valueField, !innerNames.contains(v) {
                        sink.error(rule.conditionLocation, "incompatible-field", "the field '\(v)' is not a group-by field of the referenced correlation '\(refName)'")
                        failed = true
                    }
                    guard let ji = correlationIndex[j] else { failed = true; continue }
                    consumersOfCorrelation[ji].append((n, k))
                    inputs.append(CorrelationInput(source: .correlation(ji), groupFields: fields, valueField: valueField))
                }
            }
            let level = settings?.level ?? catalog.correlationLevel(c)
            let spec = makeSpec(rule.meta, kind: .correlation, level: level, settings: settings, groupBy: [])
            pending.append(PendingCorrelation(key: rule.meta.id, kind: CorrelationKind(rule.type, percentile: rule.percentile), inputs: inputs,
                                              groupNames: groupBy, timespan: settings?.timespan ?? rule.timespan, condition: condition,
                                              emits: enabledC.contains(c) && !silencedC.contains(c), spec: spec, expected: [],
                                              ownFingerprint: Fingerprint.of(rule.meta.fingerprint, settings?.text ?? "")))
        }
        for (di, entry) in absenceRules {
            let rule = entry.1
            let absence = rule.meta.vigil.absence!
            let settings = settingsByRef[.detection(entry.0)]
            let groupBy = settings?.groupBy ?? absence.groupBy
            let n = pending.count
            consumersOfDetection[di].append((n, 0))
            var expected: [String] = []
            for value in absence.expect {
                var compiler = DetectionCompiler(placeholders: .values(playbook.placeholders, owner: isDefault ? "the default customer" : "playbook \(playbook.path)"))
                do {
                    expected.append(contentsOf: try compiler.expand(value, at: rule.meta.location))
                } catch {
                    problem(error.location, error.code, "rule '\(rule.meta.id)' for \(who): \(error.message)")
                }
            }
            let level = settings?.level ?? rule.meta.level ?? .medium
            let spec = makeSpec(rule.meta, kind: .absence, level: level, settings: settings, groupBy: [])
            pending.append(PendingCorrelation(key: rule.meta.id, kind: .absence,
                                              inputs: [CorrelationInput(source: .detection(di), groupFields: groupBy, valueField: nil)],
                                              groupNames: groupBy, timespan: settings?.timespan ?? absence.timespan,
                                              condition: CountCondition(terms: [.init(op: .gte, value: 1)]),
                                              emits: enabledD.contains(entry.0), spec: spec, expected: expected,
                                              ownFingerprint: Fingerprint.of(rule.meta.fingerprint, settings?.text ?? "", expected.joined(separator: ","))))
        }
        if failed || sink.hasErrors { return nil }

        // 7. Build detection instances with their fingerprints.
        var detections: [DetectionInstance] = []
        for (di, entry) in detectionRules.enumerated() {
            let (d, rule, compiled, logsource, contextText) = entry
            let settings = settingsByRef[.detection(d)]
            var exclusions: [Exclusion] = []
            var exclusionText = ""
            for f in catalog.detectionFilters[d] {
                exclusions.append(.detection(f.title, f.detection))
                exclusionText += f.fingerprint
            }
            for (fi, f) in playbook.filters.enumerated() where filterTargets[fi].contains(.detection(d)) {
                exclusions.append(.detection(f.title, f.detection))
                exclusionText += f.text
            }
            for (mi, m) in playbook.monitoringExclusions.enumerated() {
                if let targets = exclusionTargets[mi], targets.contains(.detection(d)) {
                    exclusions.append(.selection(m.name, m.matcher))
                    exclusionText += m.condition
                }
            }
            let isAbsence = rule.meta.vigil.absence != nil
            let level = settings?.level ?? rule.meta.level ?? .medium
            let subject = isAbsence ? [] : (settings?.groupBy ?? rule.meta.vigil.groupBy ?? [])
            let spec = makeSpec(rule.meta, kind: .detection, level: level, settings: settings, groupBy: subject)
            let when = rule.meta.vigil.when.map { TimeCondition.Bound(condition: $0, zone: playbook.timeZone, week: playbook.businessHours) }
            let whenText = when.map { "\($0.condition)|\(playbook.timeZone.identifier)|\(playbook.businessHours)" } ?? ""
            let shared = catalog.sharedFingerprints[d]
            let plain = contextText.isEmpty && exclusionText.isEmpty && settings == nil && whenText.isEmpty
            let fingerprint = plain ? shared : Fingerprint.of(shared, contextText, exclusionText, settings?.text ?? "", whenText)
            let matcher = exclusions.isEmpty && when == nil && rule.usedPlaceholders.isEmpty ? catalog.sharedMatchers[d]
                : DetectionMatcher(logsource: logsource, detection: compiled, exclusions: exclusions, when: when)
            detections.append(DetectionInstance(key: rule.meta.id, rule: rule, matcher: matcher,
                                                emits: enabledD.contains(d) && !silencedD.contains(d) && !isAbsence,
                                                consumers: consumersOfDetection[di], spec: spec, fingerprint: fingerprint, atoms: detectionAtoms[di]))
        }
        // 8. Correlation instances; a fingerprint covers everything the state depends on.
        var fingerprints = [String](repeating: "", count: pending.count)
        func fingerprint(_ n: Int) -> String {
            if !fingerprints[n].isEmpty { return fingerprints[n] }
            var f = Fingerprint()
            f.add(pending[n].ownFingerprint)
            f.add(pending[n].groupNames.joined(separator: ","))
            f.add(pending[n].condition.description)
            f.add(pending[n].timespan.description)
            if let w = pending[n].spec.when { f.add("\(w.condition)|\(w.zone.identifier)|\(w.week)") }
            for input in pending[n].inputs {
                switch input.source {
                case .detection(let i): f.add(detections[i].fingerprint)
                case .correlation(let j): f.add(fingerprint(j))
                }
            }
            fingerprints[n] = f.hex
            return f.hex
        }
        var correlations: [CorrelationInstance] = []
        for (n, p) in pending.enumerated() {
            correlations.append(CorrelationInstance(key: p.key, kind: p.kind, inputs: p.inputs, groupNames: p.groupNames, timespan: p.timespan,
                                                    condition: p.condition, emits: p.emits, consumers: consumersOfCorrelation.indices.contains(n) ? consumersOfCorrelation[n] : [],
                                                    spec: p.spec, expected: p.expected, fingerprint: fingerprint(n)))
        }
        let global = playbook.monitoringExclusions.filter { $0.selectors == nil }
        var programPrint = Fingerprint()
        programPrint.add(playbook.fingerprint)
        for d in detections { programPrint.add(d.fingerprint) }
        for c in correlations { programPrint.add(c.fingerprint) }
        return CustomerProgram(customer: playbook.id, playbook: playbook, detections: detections, correlations: correlations,
                               globalExclusions: global, fingerprint: programPrint.hex)
    }

    func makeSpec(_ meta: RuleMeta, kind: RuleKind, level: Level, settings: RuleSettings?, groupBy: [String]) -> HitSpec {
        let summary = settings?.summary.flatMap { try? SummaryTemplate.parse($0, at: meta.location) } ?? meta.summaryTemplate
        let overrides = playbook.severityOverrides.isEmpty ? [] : playbook.severityOverrides.filter { o in o.selectors.contains { $0.matches(meta) } }
        let when = kind == .correlation ? meta.vigil.when.map { TimeCondition.Bound(condition: $0, zone: playbook.timeZone, week: playbook.businessHours) } : nil
        return HitSpec(ruleID: meta.id, ruleName: meta.name, title: meta.title, kind: kind, level: level, tags: meta.tags, summary: summary,
                       response: settings?.response.map { $0.map(SummaryTemplate.lenient) } ?? meta.responseTemplates,
                       impact: settings?.impact ?? meta.vigil.impact,
                       urgency: settings?.urgency ?? meta.vigil.urgency, overrides: overrides,
                       suppress: settings?.suppress ?? meta.vigil.suppress, realert: settings?.realert ?? meta.vigil.realert,
                       climb: settings?.climb ?? meta.vigil.climb, groupBy: groupBy, when: when)
    }
}
