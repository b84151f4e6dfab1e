import VigilEvents

/// A compiled search identifier: a map (AND of field tests) or a list (OR of its items).
/// Not `indirect` (the arrays already break the recursion): matching reads payloads in place, with no box to load from.
enum SelectionMatcher: Sendable {
    case allOf([FieldTest])
    case anyOf([SelectionMatcher])
    /// AND of matchers (logsource conditions from several map entries).
    case every([SelectionMatcher])

    func matches(_ event: Event) -> Bool {
        switch self {
        case .allOf(let tests):
            for t in tests where !t.matches(event) { return false }
            return true
        case .anyOf(let items):
            for m in items where m.matches(event) { return true }
            return false
        case .every(let items):
            for m in items where !m.matches(event) { return false }
            return true
        }
    }

    func explain(_ event: Event, label: String) -> ExplainNode {
        switch self {
        case .allOf(let tests):
            let children = tests.map { $0.explain(event) }
            return ExplainNode(label: "\(label) (all of \(tests.count))", result: children.allSatisfy(\.result), children: children)
        case .anyOf(let items):
            let children = items.enumerated().map { $0.element.explain(event, label: "item \($0.offset + 1)") }
            return ExplainNode(label: "\(label) (any of \(items.count))", result: children.contains { $0.result }, children: children)
        case .every(let items):
            let children = items.enumerated().map { $0.element.explain(event, label: "part \($0.offset + 1)") }
            return ExplainNode(label: "\(label) (every one of \(items.count))", result: children.allSatisfy(\.result), children: children)
        }
    }

    /// A disjunction of literal conditions at least one of which holds whenever this matches; nil when none is known.
    func necessaryAtoms() -> [IndexAtom]? { IndexAtom.cheapest(atomOptions()) }

    /// Every known necessary disjunction (any one of them may be used to index the rule).
    func atomOptions() -> [[IndexAtom]] {
        switch self {
        case .allOf(let tests):
            return tests.flatMap { $0.atomOptions() }
        case .anyOf(let items):
            return IndexAtom.unionOfCheapest(items.map { $0.atomOptions() })
        case .every(let items):
            return items.flatMap { $0.atomOptions() }
        }
    }
}

/// A named selection of a rule.
struct Selection: Sendable {
    let name: String
    let matcher: SelectionMatcher
    let location: SourceLocation
}

/// The compiled condition: selections combined with and/or/not.
enum ConditionExpr: Sendable {
    case selection(Int)
    case and([ConditionExpr])
    case or([ConditionExpr])
    indirect case not(ConditionExpr)
    case constant(Bool)
}

/// A rule's detection section, compiled: selections plus the condition over them.
final class CompiledDetection: Sendable {
    let selections: [Selection]
    let condition: ConditionExpr
    let conditionText: String

    init(selections: [Selection], condition: ConditionExpr, conditionText: String) {
        self.selections = selections
        self.condition = condition
        self.conditionText = conditionText
    }

    func matches(_ event: Event) -> Bool { evaluate(condition, event) }

    private func evaluate(_ expr: ConditionExpr, _ event: Event) -> Bool {
        switch expr {
        case .selection(let i): return selections[i].matcher.matches(event)
        case .and(let items):
            for e in items where !evaluate(e, event) { return false }
            return true
        case .or(let items):
            for e in items where evaluate(e, event) { return true }
            return false
        case .not(let e): return !evaluate(e, event)
        case .constant(let b): return b
        }
    }

    func explain(_ event: Event) -> ExplainNode {
        let selectionNodes = selections.map { $0.matcher.explain(event, label: "selection \($0.name)") }
        let result = matches(event)
        return ExplainNode(label: "condition: \(conditionText)", result: result, children: selectionNodes)
    }

    func necessaryAtoms() -> [IndexAtom]? { IndexAtom.cheapest(atomOptions()) }

    func atomOptions() -> [[IndexAtom]] { options(condition) }

    private func options(_ expr: ConditionExpr) -> [[IndexAtom]] {
        switch expr {
        case .selection(let i): return selections[i].matcher.atomOptions()
        case .and(let items): return items.flatMap(options)
        case .or(let items): return IndexAtom.unionOfCheapest(items.map(options))
        case .not: return []
        case .constant(let b): return b ? [] : [[]]
        }
    }
}

/// A literal condition the rule index can look up: a field equal to a value, or containing a substring.
/// Values are lowercased, so the index finds a superset of the matching rules.
enum IndexAtom: Hashable, Sendable {
    case equals(field: String, value: String)
    case contains(field: String, value: String)

    var cost: Int {
        switch self {
        case .equals: 1
        case .contains: 3
        }
    }

    /// For an AND: the cheapest known disjunction among the parts.
    static func best(_ options: [[IndexAtom]?]) -> [IndexAtom]? {
        var best: [IndexAtom]?
        var bestCost = Int.max
        for case let option? in options {
            let cost = option.reduce(0) { $0 + $1.cost }
            if cost < bestCost {
                best = option
                bestCost = cost
            }
        }
        return best
    }

    /// For an OR: every part must be indexable.
    static func union(_ parts: [[IndexAtom]?]) -> [IndexAtom]? {
        var out: [IndexAtom] = []
        for part in parts {
            guard let part else { return nil }
            out.append(contentsOf: part)
        }
        // Dedupe, keeping the first occurrence (deterministic without sorting).
        var seen = Set<IndexAtom>()
        return out.filter { seen.insert($0).inserted }
    }

    /// The cheapest option, by atom kind alone; nil when there is none.
    static func cheapest(_ options: [[IndexAtom]]) -> [IndexAtom]? {
        options.min { $0.reduce(0) { $0 + $1.cost } < $1.reduce(0) { $0 + $1.cost } }
    }

    /// For an OR: one option made of every part's cheapest option; none when a part has none.
    static func unionOfCheapest(_ parts: [[[IndexAtom]]]) -> [[IndexAtom]] {
        var out: [IndexAtom] = []
        for part in parts {
            guard let best = cheapest(part) else { return [] }
            out.append(contentsOf: best)
        }
        var seen = Set<IndexAtom>()
        return [out.filter { seen.insert($0).inserted }]
    }

    /// Picks each rule's option by how selective its atoms are: an atom many rules share (process.name = sshd)
    /// makes a poor key when the rule also needs a rarer one (event.action = user_created).
    static func choose(_ rules: [[[IndexAtom]]]) -> [[IndexAtom]?] {
        var frequency: [IndexAtom: Int] = [:]
        for options in rules {
            var seen = Set<IndexAtom>()
            for option in options { for atom in option where seen.insert(atom).inserted { frequency[atom, default: 0] += 1 } }
        }
        return rules.map { options in
            options.min { score($0, frequency) < score($1, frequency) }
        }
    }

    static func score(_ option: [IndexAtom], _ frequency: [IndexAtom: Int]) -> Int {
        option.reduce(0) { $0 + $1.cost * (frequency[$1] ?? 1) }
    }

    /// Substrings shorter than this are not worth indexing.
    static let minimumSubstring = 3
}

extension FieldTest {
    func atomOptions() -> [[IndexAtom]] {
        guard !negated, timeComponent == nil, case .values(let alternatives, let all) = check else { return [] }
        let perAlternative: [[IndexAtom]?] = alternatives.map { alt in
            guard case .value(let test) = alt else { return nil }
            return test.necessaryAtoms(field: field)
        }
        if all { return perAlternative.compactMap { $0 } }
        return IndexAtom.union(perAlternative).map { [$0] } ?? []
    }
}

extension ValueTest {
    func necessaryAtoms(field: String) -> [IndexAtom]? {
        func substring(_ s: String) -> [IndexAtom]? {
            let folded = CaseFolding.fold(s)
            return folded.unicodeScalars.count >= IndexAtom.minimumSubstring ? [.contains(field: field, value: folded)] : nil
        }
        switch self {
        case .string(let p):
            let literal = String(decoding: p.bytes, as: UTF8.self)
            switch p.kind {
            case .equals: return [.equals(field: field, value: CaseFolding.fold(literal))]
            case .prefix, .suffix, .contains: return substring(literal)
            case .anything: return nil
            case .glob:
                var longest: [UInt8] = []
                for case .literal(let bytes) in p.glob where bytes.count > longest.count { longest = bytes }
                return substring(String(decoding: longest, as: UTF8.self))
            }
        case .number(let n, let p):
            guard n.rounded() == n, abs(n) < 1e15 else { return nil }
            let text = String(Int64(n))
            guard p.kind == .equals, String(decoding: p.bytes, as: UTF8.self) == text else { return nil }
            return [.equals(field: field, value: text)]
        case .bool(let b):
            return [.equals(field: field, value: b ? "true" : "false")]
        case .anySubstring(_, let list, _):
            var out: [IndexAtom] = []
            for s in list {
                guard let a = substring(s) else { return nil }
                out.append(contentsOf: a)
            }
            return out
        case .regex, .cidr, .compare:
            return nil
        }
    }
}
