/// Multi-pattern substring search (Aho–Corasick) over lowercased UTF-8 bytes.
///
/// Built once per rule set; one pass over a string reports every pattern it contains.
/// The haystack is ASCII-folded on the fly; non-ASCII text is lowercased before the pass.
final class AhoCorasick: Sendable {
    /// Bytes → equivalence class; bytes that occur in no pattern share class 0.
    private let classOf: [UInt8]
    /// Same, with ASCII upper-case letters mapped like their lower-case forms.
    private let foldedClassOf: [UInt8]
    private let classCount: Int
    /// `delta[state * classCount + class]` is the next state.
    private let delta: [Int32]
    /// Pattern ids reported at each state, flattened: `outputs[outputStart[s]..<outputStart[s+1]]`.
    private let outputStart: [Int32]
    private let outputs: [Int32]
    let patternCount: Int

    /// `patterns` must already be lowercased (`CaseFolding.fold`) when searching case-insensitively.
    init(patterns: [[UInt8]]) {
        patternCount = patterns.count
        var used = [Bool](repeating: false, count: 256)
        for p in patterns { for b in p { used[Int(b)] = true } }
        var classOf = [UInt8](repeating: 0, count: 256)
        var next = 1
        for b in 0..<256 where used[b] {
            classOf[b] = UInt8(min(next, 255))
            next += 1
        }
        // More than 255 distinct bytes cannot happen with < 256 byte values, but keep the cap explicit.
        let classCount = min(next, 256)
        var folded = classOf
        for b in 0x41...0x5A { folded[b] = classOf[b | 0x20] }
        self.classOf = classOf
        self.foldedClassOf = folded
        self.classCount = classCount

        // Trie.
        var children: [[Int32]] = [[Int32](repeating: -1, count: classCount)]
        var out: [[Int32]] = [[]]
        for (pid, p) in patterns.enumerated() {
            var s = 0
            for b in p {
                let c = Int(classOf[Int(b)])
                if children[s][c] < 0 {
                    children[s][c] = Int32(children.count)
                    children.append([Int32](repeating: -1, count: classCount))
                    out.append([])
                }
                s = Int(children[s][c])
            }
            out[s].append(Int32(pid))
        }
        // BFS for failure links, completing the transition table.
        let n = children.count
        var fail = [Int32](repeating: 0, count: n)
        var delta = [Int32](repeating: 0, count: n * classCount)
        var queue: [Int] = []
        queue.reserveCapacity(n)
        for c in 0..<classCount {
            let child = children[0][c]
            if child >= 0 {
                delta[c] = child
                fail[Int(child)] = 0
                queue.append(Int(child))
            } else {
                delta[c] = 0
            }
        }
        var head = 0
        while head < queue.count {
            let s = queue[head]
            head += 1
            out[s].append(contentsOf: out[Int(fail[s])])
            for c in 0..<classCount {
                let child = children[s][c]
                if child >= 0 {
                    fail[Int(child)] = delta[Int(fail[s]) * classCount + c]
                    delta[s * classCount + c] = child
                    queue.append(Int(child))
                } else {
                    delta[s * classCount + c] = delta[Int(fail[s]) * classCount + c]
                }
            }
        }
        var starts: [Int32] = [0]
        var flat: [Int32] = []
        for s in 0..<n {
            // Class 0 means "byte in no pattern": from any state it leads back to the root's class-0 target.
            flat.append(contentsOf: Set(out[s]).sorted())
            starts.append(Int32(flat.count))
        }
        self.delta = delta
        self.outputStart = starts
        self.outputs = flat
    }

    /// Calls `body` with each pattern id found in `text` (a pattern may be reported more than once).
    func forEachMatch(in text: String, caseSensitive: Bool = false, _ body: (Int) -> Void) {
        CaseFolding.withBytes(text, caseSensitive: caseSensitive) { hay, fold in
            scan(hay, fold: fold, body)
        }
    }

    @inline(__always)
    func scan(_ hay: UnsafeBufferPointer<UInt8>, fold: Bool, _ body: (Int) -> Void) {
        classOf.withUnsafeBufferPointer { exact in
            foldedClassOf.withUnsafeBufferPointer { foldedMap in
                delta.withUnsafeBufferPointer { delta in
                    outputStart.withUnsafeBufferPointer { starts in
                        let map = fold ? foldedMap : exact
                        let k = classCount
                        var s = 0
                        for b in hay {
                            s = Int(delta[s * k + Int(map[Int(b)])])
                            let lo = Int(starts[s])
                            let hi = Int(starts[s + 1])
                            if lo != hi {
                                for i in lo..<hi { body(Int(outputs[i])) }
                            }
                        }
                    }
                }
            }
        }
    }

    /// True when any pattern occurs in `text`.
    func containsAny(_ text: String, caseSensitive: Bool = false) -> Bool {
        var found = false
        CaseFolding.withBytes(text, caseSensitive: caseSensitive) { hay, fold in
            classOf.withUnsafeBufferPointer { exact in
                foldedClassOf.withUnsafeBufferPointer { foldedMap in
                    delta.withUnsafeBufferPointer { delta in
                        outputStart.withUnsafeBufferPointer { starts in
                            let map = fold ? foldedMap : exact
                            let k = classCount
                            var s = 0
                            for b in hay {
                                s = Int(delta[s * k + Int(map[Int(b)])])
                                if starts[s] != starts[s + 1] {
                                    found = true
                                    return
                                }
                            }
                        }
                    }
                }
            }
        }
        return found
    }
}
