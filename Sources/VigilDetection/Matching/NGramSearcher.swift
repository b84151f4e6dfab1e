/// Finds which of many literal substrings (each at least 3 bytes) occur in a text, for the candidate index.
///
/// Sampled 3-grams: when every pattern is at least `step + 2` bytes long, any occurrence spans a text position
/// that is a multiple of `step`, where it shows one of any `step` consecutive 3-grams of it (the rarest are
/// chosen). The scan hashes only those positions into a 64 Ki-bit filter (L1-resident) and compares patterns on
/// a filter hit. With 5-byte patterns the scan reads a third of the positions of a byte-by-byte one; iterations
/// are independent, unlike an automaton's.
final class NGramSearcher: Sendable {
    private let filter: [UInt64]
    /// Open addressing by 3-gram: `slotGram[s]` (0 = empty; grams are stored + 1), entries `slotStart[s]..<slotStart[s] + slotCount[s]`.
    private let slotGram: [UInt32]
    private let slotStart: [Int32]
    private let slotCount: [Int32]
    private let slotMask: Int
    /// Per entry: the pattern and the 3-gram's offset in it.
    private let entryPattern: [Int32]
    private let entryOffset: [Int32]
    private let patterns: [[UInt8]]
    /// ASCII case folding, one load per byte.
    private let foldTable: [UInt8]
    let step: Int

    static let minimumLength = 3
    /// Longer steps would need wider loads to see every byte for the ASCII check.
    static let maximumStep = 4

    /// `patterns` must be lowercased (`CaseFolding.fold`) and at least 3 bytes long.
    init(patterns: [[UInt8]]) {
        let shortest = patterns.map(\.count).min() ?? NGramSearcher.minimumLength
        precondition(shortest >= NGramSearcher.minimumLength, "index substrings have at least 3 bytes")
        let step = min(NGramSearcher.maximumStep, shortest - 2)
        var filter = [UInt64](repeating: 0, count: 1024)
        // Any `step` consecutive 3-grams of a pattern serve (a sampled position falls on one of them): take the
        // window whose grams the fewest patterns share, so a common prefix ("tok…", "--o…") does not send every
        // sampled hit to a long list of pattern comparisons.
        var frequency: [UInt32: Int] = [:]
        for p in patterns {
            for o in 0...(p.count - 3) { frequency[NGramSearcher.gram(p, o), default: 0] += 1 }
        }
        var byGram: [UInt32: [(Int32, Int32)]] = [:]
        for (i, p) in patterns.enumerated() {
            var best = 0
            var bestCost = Int.max
            for start in 0...(p.count - 2 - step) {
                let cost = (start..<start + step).reduce(0) { $0 + frequency[NGramSearcher.gram(p, $1)]! }
                if cost < bestCost {
                    bestCost = cost
                    best = start
                }
            }
            for offset in best..<best + step {
                let g = NGramSearcher.gram(p, offset)
                let h = NGramSearcher.hash(g)
                filter[Int(h >> 6)] |= 1 << UInt64(h & 63)
                byGram[g, default: []].append((Int32(i), Int32(offset)))
            }
        }
        var capacity = 8
        while capacity < byGram.count * 2 { capacity *= 2 }
        var slotGram = [UInt32](repeating: 0, count: capacity)
        var slotStart = [Int32](repeating: 0, count: capacity)
        var slotCount = [Int32](repeating: 0, count: capacity)
        var entryPattern: [Int32] = []
        var entryOffset: [Int32] = []
        for (g, entries) in byGram.sorted(by: { $0.key < $1.key }) {
            var s = Int(NGramSearcher.hash(g)) & (capacity - 1)
            while slotGram[s] != 0 { s = (s + 1) & (capacity - 1) }
            slotGram[s] = g + 1
            slotStart[s] = Int32(entryPattern.count)
            slotCount[s] = Int32(entries.count)
            for (p, o) in entries {
                entryPattern.append(p)
                entryOffset.append(o)
            }
        }
        self.filter = filter
        self.slotGram = slotGram
        self.slotStart = slotStart
        self.slotCount = slotCount
        self.slotMask = capacity - 1
        self.entryPattern = entryPattern
        self.entryOffset = entryOffset
        self.patterns = patterns
        self.foldTable = (0...255).map { CaseFolding.foldByte(UInt8($0)) }
        self.step = step
    }

    @inline(__always)
    static func hash(_ g: UInt32) -> UInt32 { (g &* 0x9E37_79B1) &>> 16 }

    /// The 3-gram of `p` at `offset`, as the scan computes it.
    static func gram(_ p: [UInt8], _ offset: Int) -> UInt32 {
        UInt32(p[offset]) << 16 | UInt32(p[offset + 1]) << 8 | UInt32(p[offset + 2])
    }

    /// Calls `body` with the id of each pattern found (possibly more than once).
    func forEachMatch(in text: String, _ body: (Int) -> Void) {
        let ascii = CaseFolding.withUTF8(text) { hay -> Bool in
            guard NGramSearcher.isASCII(hay) else { return false }
            scan(hay, body)
            return true
        }
        if !ascii {
            let lowered = text.lowercased()
            CaseFolding.withUTF8(lowered) { scan($0, body) }
        }
    }

    /// Eight bytes at a time.
    @inline(__always)
    static func isASCII(_ hay: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = hay.baseAddress else { return true }
        let raw = UnsafeRawPointer(base)
        let n = hay.count
        var acc: UInt64 = 0
        var i = 0
        while i + 8 <= n {
            acc |= raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            i += 8
        }
        while i < n {
            acc |= UInt64(hay[i])
            i += 1
        }
        return acc & 0x8080_8080_8080_8080 == 0
    }

    /// `hay` is ASCII or already lowercased; ASCII letters are folded here.
    @inline(__always)
    private func scan(_ hay: UnsafeBufferPointer<UInt8>, _ body: (Int) -> Void) {
        let n = hay.count
        guard n >= NGramSearcher.minimumLength else { return }
        let step = self.step
        filter.withUnsafeBufferPointer { filter in
            foldTable.withUnsafeBufferPointer { fold in
                var i = 0
                while i + 3 <= n {
                    let g = UInt32(fold[Int(hay[i])]) &<< 16 | UInt32(fold[Int(hay[i + 1])]) &<< 8 | UInt32(fold[Int(hay[i + 2])])
                    let h = NGramSearcher.hash(g)
                    if filter[Int(h &>> 6)] & (1 &<< UInt64(h & 63)) != 0 {
                        candidates(g, at: i, hay, body)
                    }
                    i += step
                }
            }
        }
    }

    private func candidates(_ g: UInt32, at position: Int, _ hay: UnsafeBufferPointer<UInt8>, _ body: (Int) -> Void) {
        var s = Int(NGramSearcher.hash(g)) & slotMask
        while true {
            let stored = slotGram[s]
            if stored == 0 { return }
            if stored == g + 1 { break }
            s = (s + 1) & slotMask
        }
        let start = Int(slotStart[s])
        for e in start..<start + Int(slotCount[s]) {
            let id = Int(entryPattern[e])
            let from = position - Int(entryOffset[e])
            let p = patterns[id]
            if from >= 0, from + p.count <= hay.count, StringPattern.equal(hay, from, p, fold: true) { body(id) }
        }
    }
}
