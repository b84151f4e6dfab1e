import Foundation
import VigilDetection
import VigilEvents
import VigilIngest
import VigilStore

/// The daemon's configuration file (YAML), as documented in the README.
public struct VigilConfiguration: Sendable {
    public enum LogFormat: String, Sendable { case text, json }

    public var path: String
    /// Where the embedded database, the spool and other state live.
    public var stateDirectory: String
    /// The rules tree: library, customer playbooks, extractors.
    public var rulesDirectory: String
    public var logLevel: String = "info"
    public var logFormat: LogFormat = .text
    public var httpAddress: String = "127.0.0.1"
    public var httpPort: Int = 9514
    /// Detection shards; customers are spread over them. Defaults to the number of cores.
    public var shards: Int = ProcessInfo.processInfo.activeProcessorCount
    /// Event batches a shard may queue before listeners stop reading.
    public var shardQueueDepth: Int = 64
    public var limits = IngestLimits()
    public var listeners: [ListenerConfiguration] = []
    /// Where incidents live; nil (`database: none`) runs detection without storing anything.
    public var database: DatabaseSettings? = .embedded
    public var incidents = IncidentSinkSettings()
    /// Detection engine tuning (`detection:`).
    public var detection = EngineOptions()
    /// `oncall`, `notifications`, `acknowledgement`: paging (see OnCallSettings).
    public var onCall = OnCallSettings()

    /// Loads and validates `path`; every problem is reported as `file:line:col: error: message`.
    public static func load(path: String) throws(ConfigErrors) -> VigilConfiguration {
        let diagnostics = ConfigDiagnostics()
        guard let root = YAMLNode.load(path: path, diagnostics: diagnostics) else { throw ConfigErrors(diagnostics.errors) }
        let config = parse(root, path: path)
        try diagnostics.throwIfAny()
        return config!
    }

    /// Decodes a section owned by another module, reporting its problems here with their positions.
    static func decodeSection<T: Decodable>(_ type: T.Type, _ node: YAMLNode, section: String) -> T? {
        do {
            return try StoreConfigFile.decodeSection(type, from: node.node, file: node.file, section: section)
        } catch {
            node.diagnostics.report(ConfigError(code: .invalidValue, file: error.file, line: error.line, column: error.column,
                                                message: error.message))
            return nil
        }
    }

    static func parse(_ root: YAMLNode, path: String) -> VigilConfiguration? {
        guard let map = root.mapping else { return nil }
        let base = URL(fileURLWithPath: path).deletingLastPathComponent().path
        func resolve(_ p: String) -> String { p.hasPrefix("/") ? p : URL(fileURLWithPath: base).appendingPathComponent(p).standardized.path }
        var config = VigilConfiguration(path: path, stateDirectory: resolve(".vigil-state"), rulesDirectory: resolve("rules"))
        if let v = map["state_dir"]?.string { config.stateDirectory = resolve(v) }
        if let v = map["rules"]?.string { config.rulesDirectory = resolve(v) }
        if let log = map["log"]?.mapping {
            if let node = log["level"], let v = node.string {
                let levels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]
                if levels.contains(v) { config.logLevel = v } else { node.error(.invalidValue, "log level must be one of \(levels.joined(separator: ", "))") }
            }
            if let node = log["format"], let v = node.string {
                if let f = LogFormat(rawValue: v) { config.logFormat = f } else { node.error(.invalidValue, "log format must be text or json") }
            }
            log.finish()
        }
        if let http = map["http"]?.mapping {
            if let v = http["address"]?.string { config.httpAddress = v }
            if let node = http["port"], let v = node.int {
                if (0...65535).contains(v) { config.httpPort = v } else { node.error(.invalidValue, "port \(v) is outside 0-65535") }
            }
            http.finish()
        }
        if let v = map["shards"]?.positiveInt { config.shards = v }
        if let v = map["shard_queue_depth"]?.positiveInt { config.shardQueueDepth = v }
        config.limits = IngestLimits(yaml: map["limits"])
        if let list = map.required("listeners")?.sequence {
            if list.isEmpty { map["listeners"]?.error(.invalidValue, "at least one listener is needed") }
            var names: Set<String> = []
            var endpoints: Set<String> = []
            for node in list {
                guard let listener = ListenerConfiguration.parse(node, limits: config.limits, baseDirectory: base) else { continue }
                if !names.insert(listener.name).inserted { node.error(.conflict, "listener name '\(listener.name)' is used twice") }
                if listener.port != 0, !endpoints.insert("\(listener.address):\(listener.port)").inserted {
                    node.error(.conflict, "two listeners bind \(listener.address):\(listener.port)")
                }
                config.listeners.append(listener)
            }
        }
        if let node = map["database"] {
            if case .scalar(let scalar) = node.node, scalar.string == "none" {
                config.database = nil
            } else {
                config.database = decodeSection(DatabaseSettings.self, node, section: "database")
            }
        }
        if let node = map["incidents"], let settings = decodeSection(IncidentSinkSettings.self, node, section: "incidents") {
            config.incidents = settings
        }
        if let section = map["detection"]?.mapping {
            if let v = section["allowed_lateness"]?.timeSpan { config.detection.allowedLateness = v }
            if let v = section["evidence_per_hit"]?.positiveInt { config.detection.evidenceCap = v }
            if let v = section["max_groups_per_rule"]?.positiveInt { config.detection.maxGroupsPerRule = v }
            if let v = section["max_groups_per_customer"]?.positiveInt { config.detection.maxGroupsPerCustomer = v }
            if let v = section["max_events_per_group"]?.positiveInt { config.detection.maxEntriesPerGroup = v }
            section.finish()
        }
        config.onCall = OnCallSettings.parse(oncall: map["oncall"], notifications: map["notifications"],
                                             acknowledgement: map["acknowledgement"], resolve: resolve)
        map.finish()
        return config
    }
}
