import VigilEvents

/// A compiled, immutable rule set: shared by every shard and swapped whole on reload.
public struct RuleSet: Sendable {
    /// Every loaded rule, sorted by id.
    public let rules: [RuleDefinition]
    /// Playbooks by customer (the default eval customer included when requested).
    public let playbooks: [CustomerID: Playbook]
    /// Warnings found while loading (errors make loading fail instead).
    public let diagnostics: [RuleDiagnostic]
    public let root: String
    let programs: [CustomerID: CustomerProgram]
    let catalog: RuleCatalog
    let matching: MatchingTable

    init(rules: [RuleDefinition], playbooks: [CustomerID: Playbook], diagnostics: [RuleDiagnostic], root: String,
         programs: [CustomerID: CustomerProgram], catalog: RuleCatalog)
    {
        self.rules = rules
        self.playbooks = playbooks
        self.diagnostics = diagnostics
        self.root = root
        self.programs = programs
        self.catalog = catalog
        self.matching = MatchingTable(programs: programs)
    }

    /// Customers that have a playbook, sorted.
    public var customers: [CustomerID] { programs.keys.sorted() }

    /// A rule set with no rules and no customers: every event matches nothing.
    public static let empty = RuleSet(rules: [], playbooks: [:], diagnostics: [], root: "", programs: [:],
                                      catalog: RuleCatalog(detections: [], correlations: [], filters: [], lookup: [:], references: [],
                                                           detectionFilters: [], logsources: .empty))

    /// The rule with this id or name.
    public func rule(_ idOrName: String) -> RuleDefinition? {
        rules.first { $0.id == idOrName || $0.name == idOrName }
    }

    /// Rule ids enabled (producing hits or feeding correlations) for a customer.
    public func activeRules(for customer: CustomerID) -> [String] {
        guard let p = programs[customer] else { return [] }
        return Array(Set(p.detections.map(\.key) + p.correlations.map(\.key))).sorted()
    }

    /// A copy with one customer that enables exactly `ruleIDs` (UTC, standard business hours): how a rule file's
    /// own fixtures run, so building-block rules show their hits and other files' correlations do not interfere.
    func isolating(_ ruleIDs: [String], as customer: CustomerID) -> (RuleSet?, [RuleDiagnostic]) {
        let location = SourceLocation(path: "", line: 0, column: 0)
        let playbook = Playbook(id: customer, name: "fixture (rules of one file)", timeZone: .utc, businessHours: .standard,
                                monitoringExclusions: [], severityOverrides: [], path: "", fingerprint: "fixture",
                                enable: ruleIDs.map { RuleSelector(kind: .id($0), location: location) }, disable: [], settings: [],
                                filters: [], placeholders: [:], location: location)
        var compiler = ProgramCompiler(catalog: catalog, playbook: playbook, isDefault: false)
        guard let program = compiler.compile() else { return (nil, compiler.sink.diagnostics) }
        return (RuleSet(rules: rules, playbooks: [customer: playbook], diagnostics: diagnostics, root: root, programs: [customer: program],
                        catalog: catalog), compiler.sink.diagnostics)
    }

    /// What changed from `old` to this rule set, for the reload log.
    public func diff(from old: RuleSet) -> RuleSetDiff {
        let oldRules = Dictionary(old.rules.map { ($0.id, $0.fingerprint) }, uniquingKeysWith: { a, _ in a })
        let newRules = Dictionary(rules.map { ($0.id, $0.fingerprint) }, uniquingKeysWith: { a, _ in a })
        let oldCustomers = old.programs.mapValues(\.fingerprint)
        let newCustomers = programs.mapValues(\.fingerprint)
        return RuleSetDiff(
            addedRules: newRules.keys.filter { oldRules[$0] == nil }.sorted(),
            removedRules: oldRules.keys.filter { newRules[$0] == nil }.sorted(),
            changedRules: newRules.filter { oldRules[$0.key] != nil && oldRules[$0.key] != $0.value }.map(\.key).sorted(),
            addedCustomers: newCustomers.keys.filter { oldCustomers[$0] == nil }.sorted(),
            removedCustomers: oldCustomers.keys.filter { newCustomers[$0] == nil }.sorted(),
            changedCustomers: newCustomers.filter { oldCustomers[$0.key] != nil && oldCustomers[$0.key] != $0.value }.map(\.key).sorted()
        )
    }
}

/// The difference between two rule sets, for logging a reload.
public struct RuleSetDiff: Sendable, Hashable, CustomStringConvertible {
    public var addedRules: [String]
    public var removedRules: [String]
    public var changedRules: [String]
    public var addedCustomers: [CustomerID]
    public var removedCustomers: [CustomerID]
    /// Customers whose playbook or any of whose rules changed.
    public var changedCustomers: [CustomerID]
    /// Set by `DetectionEngine.replace`: per-customer rule states carried over / reset.
    public var keptStates: Int = 0
    public var droppedStates: Int = 0

    public init(addedRules: [String] = [], removedRules: [String] = [], changedRules: [String] = [], addedCustomers: [CustomerID] = [],
                removedCustomers: [CustomerID] = [], changedCustomers: [CustomerID] = [])
    {
        self.addedRules = addedRules
        self.removedRules = removedRules
        self.changedRules = changedRules
        self.addedCustomers = addedCustomers
        self.removedCustomers = removedCustomers
        self.changedCustomers = changedCustomers
    }

    public var isEmpty: Bool {
        addedRules.isEmpty && removedRules.isEmpty && changedRules.isEmpty && addedCustomers.isEmpty && removedCustomers.isEmpty && changedCustomers.isEmpty
    }

    /// One line for the log: `rules +2 -1 ~3 (added: a, b; removed: c; changed: d, e, f); customers ~1 (changed: bank)`.
    public var description: String {
        func part(_ label: String, _ items: [String]) -> String? { items.isEmpty ? nil : "\(label): \(items.joined(separator: ", "))" }
        let ruleDetail = [part("added", addedRules), part("removed", removedRules), part("changed", changedRules)].compactMap { $0 }
        let customerDetail = [part("added", addedCustomers.map(\.rawValue)), part("removed", removedCustomers.map(\.rawValue)),
                              part("changed", changedCustomers.map(\.rawValue))].compactMap { $0 }
        var out = "rules +\(addedRules.count) -\(removedRules.count) ~\(changedRules.count)"
        if !ruleDetail.isEmpty { out += " (" + ruleDetail.joined(separator: "; ") + ")" }
        out += "; customers +\(addedCustomers.count) -\(removedCustomers.count) ~\(changedCustomers.count)"
        if !customerDetail.isEmpty { out += " (" + customerDetail.joined(separator: "; ") + ")" }
        if keptStates + droppedStates > 0 { out += "; correlation states kept \(keptStates), reset \(droppedStates)" }
        return out
    }
}
