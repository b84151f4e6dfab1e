import VigilEvents

/// Parses `rules/customers/<id>.yml`.
enum PlaybookParser {
    static let keys = ["id", "name", "description", "timezone", "business_hours", "enable", "disable", "rules", "filters",
                       "severity_overrides", "monitoring_exclusions", "placeholders", "contacts", "sla_targets"]

    static func parse(_ text: String, path: String, expectedID: String?) throws(CompileError) -> Playbook {
        let docs = try YAMLReader.documents(text, path: path)
        guard docs.count == 1, let root = docs.first, let pairs = root.pairs else {
            throw CompileError(SourceLocation(path: path, line: 1, column: 1), "invalid-playbook", "a playbook must be one YAML mapping")
        }
        for pair in pairs where !keys.contains(pair.key.string ?? "") {
            throw CompileError(pair.key.location, "unknown-playbook-key",
                               "unknown key '\(pair.key.string ?? "")' in playbook; allowed: \(keys.joined(separator: ", "))")
        }
        guard let idNode = root["id"] else { throw CompileError(root.location, "missing-playbook-id", "the playbook has no 'id'") }
        guard let idText = idNode.string, CustomerID(idText).isWellFormed else {
            throw CompileError(idNode.location, "invalid-playbook-id", "the playbook id must be 1-64 lower-case letters, digits, '-', '_' or '.'")
        }
        if let expectedID, expectedID != idText {
            throw CompileError(idNode.location, "playbook-id-mismatch", "the playbook id '\(idText)' does not match its file name '\(expectedID).yml'")
        }
        guard let nameNode = root["name"], let name = nameNode.string, !name.isEmpty else {
            throw CompileError(root.location, "missing-playbook-name", "the playbook has no 'name'")
        }
        guard let tzNode = root["timezone"] else {
            throw CompileError(root.location, "missing-timezone", "the playbook has no 'timezone' (an IANA name such as Europe/Berlin)")
        }
        guard let tzText = tzNode.string, let zone = ZoneRules(identifier: tzText) else {
            throw CompileError(tzNode.location, "invalid-timezone", "unknown time zone '\(tzNode.string ?? "")'")
        }
        let hours = try parseBusinessHours(root["business_hours"])
        var enable: [RuleSelector] = []
        if let e = root["enable"] {
            guard let items = e.items else { throw CompileError(e.location, "invalid-enable", "'enable' must be a list of rule selectors") }
            for item in items { enable.append(try RuleSelector.parse(item)) }
        }
        var disable: [RuleSelector] = []
        if let d = root["disable"] {
            guard let items = d.items else { throw CompileError(d.location, "invalid-disable", "'disable' must be a list of rule selectors") }
            for item in items { disable.append(try RuleSelector.parse(item)) }
        }
        var settings: [RuleSettings] = []
        if let r = root["rules"] {
            guard let rulePairs = r.pairs else { throw CompileError(r.location, "invalid-rules", "'rules' must map rule ids or names to settings") }
            for pair in rulePairs {
                guard let ref = pair.key.string else { throw CompileError(pair.key.location, "invalid-rules", "rule settings are keyed by rule id or name") }
                settings.append(try parseSettings(ref: ref, pair.value, keyLocation: pair.key.location))
            }
        }
        var filters: [PlaybookFilter] = []
        if let f = root["filters"] {
            guard let items = f.items else { throw CompileError(f.location, "invalid-filters", "'filters' must be a list") }
            for item in items { filters.append(try parseFilter(item)) }
        }
        var overrides: [SeverityOverrideRule] = []
        if let s = root["severity_overrides"] {
            guard let items = s.items else { throw CompileError(s.location, "invalid-overrides", "'severity_overrides' must be a list") }
            for item in items { overrides.append(try parseOverride(item)) }
        }
        var exclusions: [MonitoringExclusion] = []
        if let m = root["monitoring_exclusions"] {
            guard let items = m.items else { throw CompileError(m.location, "invalid-exclusions", "'monitoring_exclusions' must be a list") }
            for item in items { exclusions.append(try parseExclusion(item)) }
        }
        var placeholders: [String: [String]] = [:]
        if let p = root["placeholders"] {
            guard let ppairs = p.pairs else { throw CompileError(p.location, "invalid-placeholders", "'placeholders' must map names to lists of values") }
            for pair in ppairs {
                guard let name = pair.key.string, let values = pair.value.stringList() else {
                    throw CompileError(pair.value.location, "invalid-placeholders", "placeholder '\(pair.key.string ?? "")' must be a string or a list of strings")
                }
                let bare = name.hasPrefix("%") && name.hasSuffix("%") && name.count > 2 ? String(name.dropFirst().dropLast()) : name
                placeholders[bare] = values
            }
        }
        var playbook = Playbook(id: CustomerID(idText), name: name, timeZone: zone, businessHours: hours, monitoringExclusions: exclusions,
                                severityOverrides: overrides, path: path, fingerprint: Fingerprint.of(root.canonicalText), enable: enable,
                                disable: disable, settings: settings, filters: filters, placeholders: placeholders, location: root.location)
        playbook.slaTargets = try parseSLATargets(root["sla_targets"])
        return playbook
    }

    /// `{P1: 30m, P2: 4h, P5: scheduled}`: resolution targets that replace the default matrix's.
    static func parseSLATargets(_ node: YAMLNode?) throws(CompileError) -> [String: String] {
        guard let node else { return [:] }
        guard let pairs = node.pairs else {
            throw CompileError(node.location, "invalid-sla-targets", "'sla_targets' must map priorities (P1-P5) to durations such as 30m or 4h")
        }
        var out: [String: String] = [:]
        for pair in pairs {
            let key = pair.key.string ?? ""
            guard ["P1", "P2", "P3", "P4", "P5"].contains(key) else {
                throw CompileError(pair.key.location, "invalid-sla-targets", "'\(key)' is not a priority (P1, P2, P3, P4 or P5)")
            }
            let value = pair.value.string ?? ""
            guard value == "scheduled" || (TimeSpan(parsing: value).map { $0 > .zero } ?? false) else {
                throw CompileError(pair.value.location, "invalid-sla-targets", "the target for \(key) must be a duration such as 30m or 4h, or 'scheduled' (got '\(value)')")
            }
            out[key] = value
        }
        return out
    }

    /// `{mon-fri: "08:00-18:00", sat: "09:00-13:00", holidays: [2026-12-24]}`.
    static func parseBusinessHours(_ node: YAMLNode?) throws(CompileError) -> BusinessHours {
        guard let node else { return .standard }
        guard let pairs = node.pairs else {
            throw CompileError(node.location, "invalid-business-hours", "'business_hours' must map day ranges (mon-fri) to hours (08:00-18:00)")
        }
        var days = [[BusinessHours.Interval]](repeating: [], count: 8)
        var holidays: Set<Int> = []
        for pair in pairs {
            let key = pair.key.string ?? ""
            if key == "holidays" {
                guard let list = pair.value.stringList() else {
                    throw CompileError(pair.value.location, "invalid-business-hours", "'holidays' must be a list of dates (YYYY-MM-DD)")
                }
                for d in list {
                    guard let day = TimeOfDay.parseDate(d) else {
                        throw CompileError(pair.value.location, "invalid-business-hours", "'\(d)' is not a date (YYYY-MM-DD)")
                    }
                    holidays.insert(day)
                }
                continue
            }
            guard let set = TimeOfDay.parseDays(key) else {
                throw CompileError(pair.key.location, "invalid-business-hours", "'\(key)' is not a day or day range such as mon-fri")
            }
            guard let ranges = pair.value.stringList() else {
                throw CompileError(pair.value.location, "invalid-business-hours", "hours must be a range such as 08:00-18:00, or a list of them")
            }
            var intervals: [BusinessHours.Interval] = []
            for r in ranges where r != "closed" {
                guard let i = TimeOfDay.parseRange(r) else {
                    throw CompileError(pair.value.location, "invalid-business-hours", "'\(r)' is not a time range such as 08:00-18:00")
                }
                intervals.append(i)
            }
            for d in set { days[d] = intervals }
        }
        return BusinessHours(days: days, holidays: holidays)
    }

    static let settingKeys = ["level", "threshold", "condition", "timespan", "group-by", "suppress", "realert", "climb", "summary",
                              "response", "impact", "urgency"]

    static func parseSettings(ref: String, _ node: YAMLNode, keyLocation: SourceLocation) throws(CompileError) -> RuleSettings {
        guard let pairs = node.pairs else {
            throw CompileError(node.location, "invalid-rules", "the settings of '\(ref)' must be a mapping")
        }
        var s = RuleSettings(reference: ref, location: keyLocation, text: node.canonicalText)
        for pair in pairs {
            let v = pair.value
            switch pair.key.string ?? "" {
            case "level":
                guard let t = v.string, let l = Level(rawValue: t) else { throw CompileError(v.location, "invalid-level", "level must be one of \(RuleParser.levels.joined(separator: ", "))") }
                s.level = l
            case "threshold":
                guard let n = RuleParser.number(v) else { throw CompileError(v.location, "invalid-threshold", "threshold must be a number") }
                s.threshold = n
            case "condition":
                guard let cp = v.pairs else { throw CompileError(v.location, "invalid-condition", "condition must be a mapping such as {gte: 10}") }
                var terms: [CountCondition.Term] = []
                for c in cp {
                    guard let op = CountCondition.Operator(rawValue: c.key.string ?? ""), let n = RuleParser.number(c.value) else {
                        throw CompileError(c.key.location, "invalid-condition", "condition entries are gt, gte, lt, lte, eq or neq with a number")
                    }
                    terms.append(.init(op: op, value: n))
                }
                if terms.isEmpty { throw CompileError(v.location, "invalid-condition", "an empty condition") }
                s.condition = CountCondition(terms: terms)
            case "timespan": s.timespan = try VigilExtension.parseSpan(v, "timespan")
            case "group-by":
                guard let list = v.stringList() else { throw CompileError(v.location, "invalid-group-by", "group-by must be a list of field names") }
                s.groupBy = list
            case "suppress": s.suppress = try VigilExtension.parseSpan(v, "suppress")
            case "realert": s.realert = try VigilExtension.parseSpan(v, "realert")
            case "climb": s.climb = try ClimbSpec.parse(v)
            case "summary":
                guard let t = v.string else { throw CompileError(v.location, "invalid-summary", "summary must be a string") }
                _ = try SummaryTemplate.parse(t, at: v.location)
                s.summary = t
            case "response":
                guard let list = v.stringList() else { throw CompileError(v.location, "invalid-response", "response must be a list of steps in plain words") }
                s.response = list
            case "impact": s.impact = try VigilExtension.parseGrade(v, "impact")
            case "urgency": s.urgency = try VigilExtension.parseGrade(v, "urgency")
            default:
                throw CompileError(pair.key.location, "unknown-setting",
                                   "unknown setting '\(pair.key.string ?? "")' for '\(ref)'; allowed: \(settingKeys.joined(separator: ", "))")
            }
        }
        if s.threshold != nil && s.condition != nil {
            throw CompileError(node.location, "conflicting-settings", "give either threshold or condition for '\(ref)', not both")
        }
        return s
    }

    static func parseFilter(_ node: YAMLNode) throws(CompileError) -> PlaybookFilter {
        guard let pairs = node.pairs else { throw CompileError(node.location, "invalid-filter", "each filter must be a mapping") }
        guard let title = node["title"]?.string else { throw CompileError(node.location, "invalid-filter", "the filter has no 'title'") }
        guard let rulesNode = node["rules"] else { throw CompileError(node.location, "invalid-filter", "the filter '\(title)' has no 'rules' (use 'any' for every rule)") }
        let selectors = try RuleSelector.parseList(rulesNode)
        let body = pairs.filter { !["title", "rules", "reason", "description"].contains($0.key.string ?? "") }
        var compiler = DetectionCompiler(fieldMap: [:], placeholders: .forbidden("a playbook condition"))
        let detection = try compiler.compile(detection: YAMLNode(content: .mapping(body), location: node.location))
        return PlaybookFilter(title: title, selectors: selectors, detection: detection, text: node.canonicalText, location: node.location)
    }

    static func parseOverride(_ node: YAMLNode) throws(CompileError) -> SeverityOverrideRule {
        guard node.pairs != nil else { throw CompileError(node.location, "invalid-override", "each severity override must be a mapping") }
        for pair in node.pairs! where !["rules", "level", "when", "requested_by", "reason"].contains(pair.key.string ?? "") {
            throw CompileError(pair.key.location, "invalid-override", "unknown key '\(pair.key.string ?? "")' in a severity override; allowed: rules, level, when, requested_by, reason")
        }
        guard let rulesNode = node["rules"] else { throw CompileError(node.location, "invalid-override", "the severity override has no 'rules'") }
        let selectors = try RuleSelector.parseList(rulesNode)
        guard let lv = node["level"], let lt = lv.string, let level = Level(rawValue: lt) else {
            throw CompileError(node["level"]?.location ?? node.location, "invalid-override", "the severity override needs a 'level'")
        }
        guard let requestedBy = node["requested_by"]?.string, !requestedBy.isEmpty else {
            throw CompileError(node.location, "missing-requested-by", "a severity override must say who asked for it ('requested_by')")
        }
        guard let reason = node["reason"]?.string, !reason.isEmpty else {
            throw CompileError(node.location, "missing-reason", "a severity override must say why ('reason')")
        }
        var when: SelectionMatcher?
        var whenText: String?
        if let w = node["when"] {
            var compiler = DetectionCompiler(fieldMap: [:], placeholders: .forbidden("a playbook condition"))
            when = try compiler.compileSelection(w, name: "when")
            whenText = w.canonicalText
        }
        return SeverityOverrideRule(level: level, requestedBy: requestedBy, reason: reason, selectors: selectors, when: when,
                                    whenText: whenText, location: node.location)
    }

    static func parseExclusion(_ node: YAMLNode) throws(CompileError) -> MonitoringExclusion {
        guard node.pairs != nil else { throw CompileError(node.location, "invalid-exclusion", "each monitoring exclusion must be a mapping") }
        for pair in node.pairs! where !["name", "match", "approver", "date", "reason", "rules"].contains(pair.key.string ?? "") {
            throw CompileError(pair.key.location, "invalid-exclusion", "unknown key '\(pair.key.string ?? "")' in a monitoring exclusion; allowed: name, match, approver, date, reason, rules")
        }
        guard let name = node["name"]?.string, !name.isEmpty else { throw CompileError(node.location, "invalid-exclusion", "the monitoring exclusion has no 'name'") }
        guard let approver = node["approver"]?.string, !approver.isEmpty else {
            throw CompileError(node.location, "missing-approver", "the monitoring exclusion '\(name)' must name its 'approver'")
        }
        guard let dateNode = node["date"] else {
            throw CompileError(node.location, "missing-date", "the monitoring exclusion '\(name)' must give the 'date' it was approved")
        }
        guard let date = dateNode.string, TimeOfDay.parseDate(date) != nil else {
            throw CompileError(dateNode.location, "invalid-date", "'date' must be a date such as 2026-01-15")
        }
        guard let match = node["match"] else { throw CompileError(node.location, "invalid-exclusion", "the monitoring exclusion '\(name)' has no 'match'") }
        var compiler = DetectionCompiler(fieldMap: [:], placeholders: .forbidden("a playbook condition"))
        let matcher = try compiler.compileSelection(match, name: "match")
        var selectors: [RuleSelector]?
        if let r = node["rules"] { selectors = try RuleSelector.parseList(r) }
        return MonitoringExclusion(name: name, approver: approver, date: date, reason: node["reason"]?.string,
                                   condition: match.canonicalText, matcher: matcher, selectors: selectors, location: node.location)
    }
}
