import Foundation
import Synchronization
import VigilEvents

/// Writes JSON lines to stdout, one write per batch, shared by all shards (`--print-events`, `--print-hits`).
final class JSONLinePrinter: Sendable {
    private let lock = Mutex(())

    func write(_ body: (inout JSONWriter) -> Void) {
        var writer = JSONWriter(capacity: 4096)
        body(&writer)
        guard !writer.bytes.isEmpty else { return }
        lock.withLock { _ in
            writer.bytes.withUnsafeBytes { buffer in
                var offset = 0
                while offset < buffer.count {
                    let n = Foundation.write(STDOUT_FILENO, buffer.baseAddress! + offset, buffer.count - offset)
                    if n < 0 && errno == EINTR { continue }
                    guard n > 0 else { return }  // stdout closed: nothing sensible left to do
                    offset += n
                }
            }
        }
    }

    func print(events: [Event]) {
        write { w in
            for event in events {
                event.writeJSON(into: &w)
                w.bytes.append(UInt8(ascii: "\n"))
            }
        }
    }
}
