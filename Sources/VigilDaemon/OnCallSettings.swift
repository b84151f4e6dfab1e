import Foundation
import VigilEvents
import VigilIngest
import VigilOnCall
import VigilStore

/// The daemon's on-call keys: `oncall` (the file and how it reaches the database), `notifications` (the paging
/// engine) and `acknowledgement` (links and the HTTP API). Documented in docs/oncall.md, "Running it".
///
/// ```yaml
/// oncall: oncall.yml                  # or {file: oncall.yml, apply_on_start: if_empty, instance: vigil-a, enabled: true}
/// notifications: {lease: 2m, sweep_interval: 30s, max_parallel: 8, max_incident_age: 24h}
/// acknowledgement:
///   base_url: https://vigil.example.net   # what phones open; default http://<http.address>:<http.port>
///   link_lifetime: 24h
///   secret_file: /etc/vigil/ack-secret     # or secret_env: NAME; default: generated in state_dir (0600)
///   api_tokens_file: /etc/vigil/api-tokens # or api_token_env: NAME; default: generated in state_dir (0600)
/// ```
public struct OnCallSettings: Sendable, Hashable {
    public enum StartMode: String, Sendable, Hashable {
        /// Apply the file only when the database has no on-call configuration yet (the default).
        case ifEmpty = "if_empty"
        /// Apply the file whenever it differs from the database (audited as the daemon).
        case always
        /// Never: `vigil oncall apply` is the only way in.
        case never
    }

    /// Paging runs when a database is configured, unless this is false.
    public var enabled = true
    /// The on-call file (absolute), validated at load time.
    public var file: String?
    /// The loaded file, when `file` is set.
    public var fileConfig: OnCallConfig?
    /// The file's bytes, for its fingerprint.
    public var fileBytes: [UInt8] = []
    public var applyOnStart = StartMode.ifEmpty
    /// This instance's name among several on one database (default: the host name).
    public var instance: String?

    public var lease: TimeSpan = .minutes(2)
    public var sweepInterval: TimeSpan = .seconds(30)
    public var maxParallelSends = 8
    public var maxIncidentAge: TimeSpan = .hours(24)

    public var baseURL: String?
    /// nil: the on-call file's `providers.ack.link_lifetime`, else 24h.
    public var linkLifetime: TimeSpan?
    public var secret: SecretReference?
    public var apiTokens: SecretReference?

    public init() {}

    /// Reads the three sections; problems are reported at their node as `file:line:col`.
    static func parse(oncall: YAMLNode?, notifications: YAMLNode?, acknowledgement: YAMLNode?, resolve: (String) -> String) -> OnCallSettings {
        var s = OnCallSettings()
        if let node = oncall {
            if case .scalar = node.node, let path = node.string {
                s.file = resolve(path)
            } else if let map = node.mapping {
                if let v = map["file"]?.string { s.file = resolve(v) }
                if let n = map["enabled"], let v = n.bool { s.enabled = v }
                if let n = map["apply_on_start"], let v = n.string {
                    if let mode = StartMode(rawValue: v) { s.applyOnStart = mode } else { n.error(.invalidValue, "apply_on_start must be if_empty, always or never") }
                }
                if let n = map["instance"], let v = n.string {
                    if v.isEmpty || v.count > 64 { n.error(.invalidValue, "instance must be 1 to 64 characters") } else { s.instance = v }
                }
                map.finish()
            }
            if let file = s.file { s.loadFile(file, at: node) }
        }
        if let map = notifications?.mapping {
            if let v = map["lease"]?.timeSpan { s.lease = v }
            if let v = map["sweep_interval"]?.timeSpan { s.sweepInterval = v }
            if let v = map["max_parallel"]?.positiveInt { s.maxParallelSends = v }
            if let v = map["max_incident_age"]?.timeSpan { s.maxIncidentAge = v }
            if let n = map["lease"], s.lease < .seconds(1) { n.error(.invalidValue, "lease must be at least 1s") }
            if let n = map["sweep_interval"], s.sweepInterval < .seconds(1) { n.error(.invalidValue, "sweep_interval must be at least 1s") }
            map.finish()
        }
        if let map = acknowledgement?.mapping {
            if let n = map["base_url"], let v = n.string {
                if let problem = ContactAddressValidator.urlProblem(v, allowHTTP: true) { n.error(.invalidValue, "base_url: \(problem)") } else { s.baseURL = v }
            }
            if let v = map["link_lifetime"]?.timeSpan { s.linkLifetime = v }
            s.secret = secretReference(map, file: "secret_file", env: "secret_env", resolve: resolve)
            s.apiTokens = secretReference(map, file: "api_tokens_file", env: "api_token_env", resolve: resolve)
            map.finish()
        }
        return s
    }

    private static func secretReference(_ map: YAMLMapping, file: String, env: String, resolve: (String) -> String) -> SecretReference? {
        let f = map[file], e = map[env]
        if f != nil, e != nil { map.owner.error(.conflict, "give \(file) or \(env), not both") }
        if let path = f?.string { return .file(resolve(path)) }
        if let name = e?.string { return .environment(name) }
        return nil
    }

    /// Loads and validates the on-call file; its problems are reported with the file's own positions.
    private mutating func loadFile(_ path: String, at node: YAMLNode) {
        guard let data = FileManager.default.contents(atPath: path) else {
            node.error(.invalidValue, "cannot read the on-call file \(path)")
            return
        }
        do {
            fileConfig = try OnCallConfigLoader.load(contentsOf: path)
            fileBytes = Array(data)
        } catch {
            for d in error.diagnostics {
                node.diagnostics.report(ConfigError(code: .invalidValue, file: d.file, line: d.line, column: d.column, message: d.message))
            }
        }
    }
}
