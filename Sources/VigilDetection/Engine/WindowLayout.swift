import VigilEvents

/// Raw reads of a window's storage and of a buffered event, for prefetch hints only: addresses computed here
/// are handed to `vigil_prefetch`, never dereferenced as values, so a layout change makes the hints useless,
/// not unsafe. `WindowLayoutTests` checks them against the real objects.
enum WindowLayout {
    /// A `Deque` buffer: object header (16 bytes), then capacity, count and start slot, then the elements.
    static let countOffset = 24
    static let startSlotOffset = 32
    static let elementsOffset = 40
    /// A class instance's stored properties start after its 16-byte object header.
    static let objectHeader = 16
    /// Pointer bits Swift may use for an enum's case tag (x86-64 and arm64 user addresses are below 2^48).
    static let addressMask: UInt = 0x0000_FFFF_FFFF_FFF8

    /// The `EventBox` of the oldest entry of the window stored at `storage`; nil when empty or a chained hit.
    @inline(__always)
    static func frontEventBox(_ storage: UnsafeRawPointer) -> UnsafeRawPointer? {
        guard storage.load(fromByteOffset: countOffset, as: Int.self) > 0 else { return nil }
        let start = storage.load(fromByteOffset: startSlotOffset, as: Int.self)
        let entry = storage + elementsOffset + start * MemoryLayout<WindowEntry>.stride
        guard let flagsOffset = MemoryLayout<WindowEntry>.offset(of: \WindowEntry.orderAndStage),
              let payloadOffset = MemoryLayout<WindowEntry>.offset(of: \WindowEntry.payload),
              entry.load(fromByteOffset: flagsOffset, as: UInt64.self) & WindowEntry.hitBit == 0 else { return nil }
        return UnsafeRawPointer(bitPattern: entry.load(fromByteOffset: payloadOffset, as: UInt.self) & addressMask)
    }

    /// The field array's buffer of the event held by the `EventBox` at `box`.
    @inline(__always)
    static func fieldsStorage(_ box: UnsafeRawPointer) -> UnsafeRawPointer? {
        guard let offset = MemoryLayout<Event>.offset(of: \Event.fields) else { return nil }
        return UnsafeRawPointer(bitPattern: box.load(fromByteOffset: objectHeader + offset, as: UInt.self))
    }
}
