import VigilEvents

/// Fast ways to write fields: a set that compares lengths before contents, and paths built in one allocation.
///
/// Parsers also keep a Bloom filter of the paths they wrote (`PathBloom`), so a later write to a path that is
/// certainly absent is a plain append.
enum FieldWriter {
    static let hashBasis: UInt64 = 0xCBF2_9CE4_8422_2325

    @inline(__always)
    static func hash(_ h: UInt64, _ c: UInt8) -> UInt64 { (h ^ UInt64(c)) &* 0x100_0000_01B3 }

    /// The Bloom bit (`PathBloom`) of a path hash.
    @inline(__always)
    static func bit(hash h: UInt64) -> UInt8 { UInt8(truncatingIfNeeded: h >> 56) }

    /// The Bloom bit of a path.
    static func bit(_ path: String) -> UInt8 {
        var h = hashBasis
        if let done = path.utf8.withContiguousStorageIfAvailable({ bytes -> UInt64 in
            var x = h
            for c in bytes { x = hash(x, c) }
            return x
        }) {
            h = done
        } else {
            for c in path.utf8 { h = hash(h, c) }
        }
        return bit(hash: h)
    }

    /// Sets `path` (whose Bloom bit is `bit`): a plain append when `bloom` says it is absent.
    @inline(__always)
    static func set(_ fields: inout Fields, _ path: String, bit: UInt8, _ value: FieldValue, bloom: inout PathBloom) {
        if !bloom.contains(bit) {
            fields.append(path, value)
            bloom.insert(bit)
        } else {
            setSearching(&fields, path, value)
        }
    }

    /// The slow path of `set`, kept out of line so the fast path inlines.
    @inline(never)
    static func setSearching(_ fields: inout Fields, _ path: String, _ value: FieldValue) {
        set(&fields, path, value)
    }

    /// Sets `path`, replacing an existing value. A miss (the usual case) costs one length compare per field.
    @inline(__always)
    static func set(_ fields: inout Fields, _ path: String, _ value: FieldValue) {
        if !replace(&fields, path, value) { fields.append(path, value) }
    }

    /// Replaces the value of an existing `path`; false (and nothing written) when there is none.
    @inline(__always)
    static func replace(_ fields: inout Fields, _ path: String, _ value: FieldValue) -> Bool {
        let count = path.utf8.count
        let present = fields.storage.withUnsafeBufferPointer { storage in
            for k in storage.indices where storage[k].path.utf8.count == count && storage[k].path == path { return true }
            return false
        }
        if present { fields[path] = value }
        return present
    }

    /// `prefix + "." + bytes`, created once (no intermediate strings).
    @inline(__always)
    static func path(_ prefix: String, dot: Bool = true, _ b: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int) -> String {
        let tail = e &- s
        return withPrefixBytes(prefix) { p in
            let total = p.count &+ (dot ? 1 : 0) &+ tail
            return String(unsafeUninitializedCapacity: total) { out in
                var o = 0
                for k in 0..<p.count { out[o] = p[k]; o &+= 1 }
                if dot { out[o] = UInt8(ascii: "."); o &+= 1 }
                for k in s..<e { out[o] = b[k]; o &+= 1 }
                return total
            }
        }
    }

    /// `prefix + "." + name` for two Strings, created once.
    @inline(__always)
    static func path(_ prefix: String, _ name: String) -> String {
        var name = name
        return name.withUTF8 { path(prefix, $0, 0, $0.count) }
    }

    @inline(__always)
    private static func withPrefixBytes<R>(_ prefix: String, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        if let r = prefix.utf8.withContiguousStorageIfAvailable(body) { return r }
        var copy = prefix
        return copy.withUTF8(body)
    }
}
