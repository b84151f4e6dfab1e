import VigilEvents

/// Picks the rules an event can possibly match, from literal field values and substrings.
///
/// Each rule is filed under a disjunction of `IndexAtom`s that must hold when it matches; rules with no
/// such literal are tested against every event. Substrings are found with one n-gram filter pass per field.
struct CandidateIndex: Sendable {
    let equalsFields: [String]
    let equalsTables: [ValueTable]
    let containsFields: [String]
    let automata: [NGramSearcher]
    let containsTargets: [[[Int32]]]
    let always: [Int32]
    let count: Int

    /// `atoms[i]`: nil = unindexed (always a candidate); [] = never a candidate.
    init(_ atoms: [[IndexAtom]?]) {
        count = atoms.count
        var eq: [String: [String: [Int32]]] = [:]
        var ct: [String: [String: [Int32]]] = [:]
        var always: [Int32] = []
        for (i, list) in atoms.enumerated() {
            guard let list else { always.append(Int32(i)); continue }
            for atom in list {
                switch atom {
                case .equals(let f, let v): eq[f, default: [:]][v, default: []].append(Int32(i))
                case .contains(let f, let v): ct[f, default: [:]][v, default: []].append(Int32(i))
                }
            }
        }
        equalsFields = eq.keys.sorted()
        equalsTables = equalsFields.map { ValueTable(eq[$0]!) }
        containsFields = ct.keys.sorted()
        var automata: [NGramSearcher] = []
        var targets: [[[Int32]]] = []
        for f in containsFields {
            let entries = ct[f]!.sorted { $0.key < $1.key }
            automata.append(NGramSearcher(patterns: entries.map { Array($0.key.utf8) }))
            targets.append(entries.map(\.value))
        }
        self.automata = automata
        self.containsTargets = targets
        self.always = always
    }

    var indexedCount: Int { count - always.count }

    /// Calls `mark` with every candidate rule index (possibly more than once).
    @inline(__always)
    func forEachCandidate(_ event: Event, _ mark: (Int32) -> Void) {
        for i in always { mark(i) }
        for fi in equalsFields.indices {
            guard let value = event.fieldValue(equalsFields[fi]) else { continue }
            switch value {
            case .string(let s):
                equalsTables[fi].forEach(s, mark)
            case .array:
                value.forEachScalar { scalar in
                    guard let s = scalar.stringValue else { return }
                    equalsTables[fi].forEach(s, mark)
                }
            default:
                if let s = value.stringValue { equalsTables[fi].forEach(s, mark) }
            }
        }
        for fi in containsFields.indices {
            guard let value = event.fieldValue(containsFields[fi]) else { continue }
            let ac = automata[fi]
            switch value {
            case .string(let s):
                containsTargets[fi].withUnsafeBufferPointer { targets in
                    ac.forEachMatch(in: s) { pid in for i in targets[pid] { mark(i) } }
                }
            default:
                value.forEachScalar { scalar in
                    guard let s = scalar.stringValue else { return }
                    ac.forEachMatch(in: s) { pid in for i in containsTargets[fi][pid] { mark(i) } }
                }
            }
        }
    }
}
