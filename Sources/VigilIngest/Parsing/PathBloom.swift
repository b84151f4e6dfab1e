/// A 256-bit Bloom filter of field paths (one bit per path: the top byte of its FNV-1a hash, see `FieldWriter`).
///
/// Parsers record the paths they write; a later write to a path the filter has never seen is a plain append,
/// with no search for an existing field. With the ~30 fields of a typical event, about one write in ten searches.
struct PathBloom: Sendable, Hashable {
    private var w0: UInt64 = 0
    private var w1: UInt64 = 0
    private var w2: UInt64 = 0
    private var w3: UInt64 = 0

    init() {}

    /// Every bit set: nothing is known, so every write searches.
    static let all: PathBloom = {
        var b = PathBloom()
        b.w0 = .max
        b.w1 = .max
        b.w2 = .max
        b.w3 = .max
        return b
    }()

    init(paths: [String]) {
        for path in paths { insert(FieldWriter.bit(path)) }
    }

    @inline(__always)
    func contains(_ bit: UInt8) -> Bool {
        let mask: UInt64 = 1 << UInt64(bit & 63)
        switch bit >> 6 {
        case 0: return w0 & mask != 0
        case 1: return w1 & mask != 0
        case 2: return w2 & mask != 0
        default: return w3 & mask != 0
        }
    }

    @inline(__always)
    mutating func insert(_ bit: UInt8) {
        let mask: UInt64 = 1 << UInt64(bit & 63)
        switch bit >> 6 {
        case 0: w0 |= mask
        case 1: w1 |= mask
        case 2: w2 |= mask
        default: w3 |= mask
        }
    }

    @inline(__always)
    mutating func formUnion(_ other: PathBloom) {
        w0 |= other.w0
        w1 |= other.w1
        w2 |= other.w2
        w3 |= other.w3
    }
}
