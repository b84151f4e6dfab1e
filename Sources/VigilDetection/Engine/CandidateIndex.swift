import VigilEvents

/// Picks the rules an event can possibly match, from literal field values and substrings.
///
/// Each rule is filed under a disjunction of `IndexAtom`s that must hold when it matches; rules with no
/// such literal are tested against every event. One pass over the event's fields finds the indexed ones (a
/// bit per path length rejects most fields without comparing strings); equality goes through a `ValueTable`,
/// substrings through one `NGramSearcher` per field.
final class CandidateIndex: Sendable {
    let equalsFields: [String]
    let containsFields: [String]
    let always: [Int32]
    let count: Int
    /// Every indexed path, with its equality table and substring searcher (either may be absent).
    private let paths: [String]
    private let tables: [ValueTable?]
    private let searchers: [NGramSearcher?]
    private let searcherTargets: [[[Int32]]]
    /// Unretained views of `tables` and `searchers` (which keep them alive) for the hot loop.
    private let tableRefs: [Unmanaged<ValueTable>?]
    private let searcherRefs: [Unmanaged<NGramSearcher>?]
    /// Bit `n & 63` is set when an indexed path is `n` UTF-8 bytes long.
    private let lengthBits: UInt64
    /// Index into `paths` of `message`, which is not among the event's fields; -1: not indexed.
    private let messagePath: Int

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
        containsFields = ct.keys.sorted()
        paths = Set(eq.keys).union(ct.keys).sorted()
        tables = paths.map { eq[$0].map(ValueTable.init) }
        var searchers: [NGramSearcher?] = []
        var targets: [[[Int32]]] = []
        for f in paths {
            guard let entries = ct[f]?.sorted(by: { $0.key < $1.key }) else {
                searchers.append(nil)
                targets.append([])
                continue
            }
            searchers.append(NGramSearcher(patterns: entries.map { Array($0.key.utf8) }))
            targets.append(entries.map(\.value))
        }
        self.searchers = searchers
        self.searcherTargets = targets
        tableRefs = tables.map { $0.map(Unmanaged.passUnretained) }
        searcherRefs = searchers.map { $0.map(Unmanaged.passUnretained) }
        lengthBits = paths.reduce(0) { $0 | 1 << UInt64($1.utf8.count & 63) }
        messagePath = paths.firstIndex(of: "message") ?? -1
        self.always = always
    }

    var indexedCount: Int { count - always.count }

    /// Calls `mark` with every candidate rule index (possibly more than once).
    @inline(__always)
    func forEachCandidate(_ event: Event, _ mark: (Int32) -> Void) {
        for i in always { mark(i) }
        if messagePath >= 0 { probe(messagePath, event.message, mark) }
        let bits = lengthBits
        event.fields.storage.withUnsafeBufferPointer { fields in
            for i in fields.indices {
                let n = fields[i].path.utf8.count
                guard bits & (1 &<< UInt64(n & 63)) != 0, let p = pathIndex(fields[i].path, length: n) else { continue }
                switch fields[i].value {
                case .string(let s):
                    probe(p, s, mark)
                case .array(let items):
                    FieldValue.array(items).forEachScalar { scalar in
                        if let s = scalar.stringValue { probe(p, s, mark) }
                    }
                case let other:
                    if let s = other.stringValue { probe(p, s, mark) }
                }
            }
        }
    }

    @inline(__always)
    private func pathIndex(_ path: String, length n: Int) -> Int? {
        for p in paths.indices where p != messagePath && paths[p].utf8.count == n && paths[p] == path { return p }
        return nil
    }

    @inline(__always)
    private func probe(_ p: Int, _ s: String, _ mark: (Int32) -> Void) {
        if let table = tableRefs[p] {
            table._withUnsafeGuaranteedRef { $0.forEach(s, mark) }
        }
        if let searcher = searcherRefs[p] {
            searcherTargets[p].withUnsafeBufferPointer { targets in
                searcher._withUnsafeGuaranteedRef { $0.forEachMatch(in: s) { pid in for i in targets[pid] { mark(i) } } }
            }
        }
    }
}
