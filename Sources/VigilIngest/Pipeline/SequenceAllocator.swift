import Synchronization

/// Hands out event sequence numbers in blocks, so connections rarely touch the shared counter.
public final class SequenceAllocator: Sendable {
    private let next = Atomic<UInt64>(1)
    public let blockSize: UInt64

    public init(blockSize: UInt64 = 256) { self.blockSize = blockSize }

    /// Reserves `blockSize` numbers and returns the first.
    public func reserveBlock() -> UInt64 {
        next.wrappingAdd(blockSize, ordering: .relaxed).oldValue
    }
}

/// A connection's local view of the allocator.
struct SequenceBlock {
    private var current: UInt64 = 0
    private var end: UInt64 = 0

    mutating func next(from allocator: SequenceAllocator) -> UInt64 {
        if current == end {
            current = allocator.reserveBlock()
            end = current + allocator.blockSize
        }
        defer { current += 1 }
        return current
    }
}
