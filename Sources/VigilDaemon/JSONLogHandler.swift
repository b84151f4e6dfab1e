import Foundation
import Logging
import VigilEvents

/// One JSON object per log line on stderr: `{"time":…,"level":…,"label":…,"message":…, metadata…}`.
struct JSONLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?
    private let clock: any WallClock

    init(label: String, clock: any WallClock = SystemClock()) {
        self.label = label
        self.clock = clock
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(level: Logger.Level, message: Logger.Message, metadata explicit: Logger.Metadata?, source: String,
             file: String, function: String, line: UInt) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let explicit { merged.merge(explicit) { _, new in new } }
        var w = JSONWriter(capacity: 256)
        w.raw("{\"time\":")
        w.quoted(clock.now.rfc3339)
        w.raw(",\"level\":")
        w.quoted(level.rawValue)
        w.raw(",\"label\":")
        w.quoted(label)
        w.raw(",\"message\":")
        w.quoted(message.description)
        for key in merged.keys.sorted() where !["time", "level", "label", "message"].contains(key) {
            w.raw(",")
            w.quoted(key)
            w.raw(":")
            w.quoted(Self.flatten(merged[key]!))
        }
        w.raw("}\n")
        w.bytes.withUnsafeBytes { buffer in _ = Foundation.write(STDERR_FILENO, buffer.baseAddress!, buffer.count) }
    }

    static func flatten(_ value: Logger.Metadata.Value) -> String {
        switch value {
        case .string(let s): s
        case .stringConvertible(let c): c.description
        case .array(let items): "[" + items.map(flatten).joined(separator: ", ") + "]"
        case .dictionary(let d): "{" + d.keys.sorted().map { "\($0): \(flatten(d[$0]!))" }.joined(separator: ", ") + "}"
        }
    }
}

/// Sets up swift-log once per process: text or JSON on stderr, at the configured level.
enum LoggingSetup {
    nonisolated(unsafe) private static var done = false

    static func bootstrap(format: VigilConfiguration.LogFormat, level: String) {
        guard !done else { return }
        done = true
        let logLevel = Logger.Level(rawValue: level) ?? .info
        LoggingSystem.bootstrap { label in
            var handler: any LogHandler
            switch format {
            case .json: handler = JSONLogHandler(label: label)
            case .text: handler = StreamLogHandler.standardError(label: label)
            }
            handler.logLevel = logLevel
            return handler
        }
    }
}
