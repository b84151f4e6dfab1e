/// Finds which of many literal substrings (each at least 3 bytes) occur in a text, for the candidate index.
///
/// Every 3-byte window of the text is hashed into a 64 Ki-bit filter built from the patterns' first three bytes;
/// only on a filter hit are the patterns starting with those bytes compared. Iterations do not depend on each
/// other (unlike an automaton's state chain), so the scan runs near memory speed, and the filter stays in L1.
final class NGramSearcher: Sendable {
    private let filter: [UInt64]
    /// First three bytes → pattern ids.
    private let byPrefix: [UInt32: [Int32]]
    private let patterns: [[UInt8]]
    let patternCount: Int

    static let minimumLength = 3

    /// `patterns` must be lowercased (`CaseFolding.fold`) and at least 3 bytes long.
    init(patterns: [[UInt8]]) {
        var filter = [UInt64](repeating: 0, count: 1024)
        var byPrefix: [UInt32: [Int32]] = [:]
        for (i, p) in patterns.enumerated() {
            precondition(p.count >= NGramSearcher.minimumLength, "index substrings have at least 3 bytes")
            let g = UInt32(p[0]) << 16 | UInt32(p[1]) << 8 | UInt32(p[2])
            let h = NGramSearcher.hash(g)
            filter[Int(h >> 6)] |= 1 << UInt64(h & 63)
            byPrefix[g, default: []].append(Int32(i))
        }
        self.filter = filter
        self.byPrefix = byPrefix
        self.patterns = patterns
        self.patternCount = patterns.count
    }

    @inline(__always)
    static func hash(_ g: UInt32) -> UInt32 { (g &* 0x9E37_79B1) &>> 16 }

    /// Calls `body` with the id of each pattern found (possibly more than once).
    func forEachMatch(in text: String, _ body: (Int) -> Void) {
        CaseFolding.withBytes(text, caseSensitive: false) { hay, fold in
            scan(hay, fold: fold, body)
        }
    }

    @inline(__always)
    func scan(_ hay: UnsafeBufferPointer<UInt8>, fold: Bool, _ body: (Int) -> Void) {
        // Two copies of the loop, so the per-byte work has no branch on `fold`; masking shifts (`&<<`, `&>>`)
        // avoid Swift's over-wide-shift checks.
        if fold {
            scan(hay, fold: true, { CaseFolding.foldByte($0) }, body)
        } else {
            scan(hay, fold: false, { $0 }, body)
        }
    }

    @inline(__always)
    private func scan(_ hay: UnsafeBufferPointer<UInt8>, fold: Bool, _ map: (UInt8) -> UInt8, _ body: (Int) -> Void) {
        let n = hay.count
        guard n >= NGramSearcher.minimumLength else { return }
        filter.withUnsafeBufferPointer { filter in
            var g = UInt32(map(hay[0])) &<< 8 | UInt32(map(hay[1]))
            var i = 2
            while i < n {
                g = (g &<< 8 | UInt32(map(hay[i]))) & 0xFF_FFFF
                let h = NGramSearcher.hash(g)
                if filter[Int(h &>> 6)] & (1 &<< UInt64(h & 63)) != 0 {
                    candidates(g, start: i - 2, hay, fold: fold, body)
                }
                i += 1
            }
        }
    }

    private func candidates(_ g: UInt32, start: Int, _ hay: UnsafeBufferPointer<UInt8>, fold: Bool, _ body: (Int) -> Void) {
        guard let ids = byPrefix[g] else { return }
        for id in ids {
            let p = patterns[Int(id)]
            if start + p.count <= hay.count, StringPattern.equal(hay, start, p, fold: fold) { body(Int(id)) }
        }
    }
}
