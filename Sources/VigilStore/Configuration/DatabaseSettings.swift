import Foundation
import NIOSSL
import PostgresNIO

/// The `database:` section of the configuration.
///
/// Either the string `embedded` (the default: Vigil runs its own cluster in the state directory), or an object
/// naming a server:
/// ```yaml
/// database:
///   url: postgres://vigil@db.example.net:5432/vigil   # or host/port/user/database
///   password_file: /etc/vigil/db-password             # or password_env: VIGIL_DB_PASSWORD
///   tls: require                                      # disable | prefer | require
///   ca_file: /etc/vigil/db-ca.pem
///   max_connections: 8
/// ```
/// An object with `embedded: {port: 55432}` pins the embedded cluster's private TCP port.
/// The password is never part of `description`, so logging the settings is safe.
public struct DatabaseSettings: Sendable, Hashable, Decodable, CustomStringConvertible {
    public enum TLSMode: String, Sendable, Hashable, Decodable, CaseIterable {
        case disable
        case prefer
        case require
    }

    /// Options of the embedded cluster.
    public struct Embedded: Sendable, Hashable {
        /// The private 127.0.0.1 port; nil reuses the one chosen on first start.
        public var port: Int?

        public init(port: Int? = nil) {
            self.port = port
        }
    }

    /// An external PostgreSQL server.
    public struct Server: Sendable, Hashable {
        public var host: String
        public var port: Int
        public var user: String
        public var database: String
        /// A password given inline (in a URL); prefer `passwordFile` or `passwordEnvironment`.
        public var password: String?
        public var passwordFile: String?
        public var passwordEnvironment: String?
        public var tls: TLSMode
        public var caFile: String?
        /// A Unix socket path instead of host/port (`host: /run/postgresql` style directories are not parsed).
        public var unixSocketPath: String?

        public init(host: String = "localhost", port: Int = 5432, user: String = "vigil", database: String = "vigil",
                    password: String? = nil, passwordFile: String? = nil, passwordEnvironment: String? = nil,
                    tls: TLSMode = .prefer, caFile: String? = nil, unixSocketPath: String? = nil) {
            self.host = host
            self.port = port
            self.user = user
            self.database = database
            self.password = password
            self.passwordFile = passwordFile
            self.passwordEnvironment = passwordEnvironment
            self.tls = tls
            self.caFile = caFile
            self.unixSocketPath = unixSocketPath
        }
    }

    public enum Source: Sendable, Hashable {
        case embedded(Embedded)
        case server(Server)
    }

    public var source: Source
    /// Upper bound of the connection pool.
    public var maxConnections: Int

    public init(source: Source = .embedded(Embedded()), maxConnections: Int = 8) {
        self.source = source
        self.maxConnections = maxConnections
    }

    public static let embedded = DatabaseSettings()

    public var isEmbedded: Bool {
        if case .embedded = source { return true }
        return false
    }

    public var description: String {
        switch source {
        case .embedded(let e):
            return e.port.map { "embedded (port \($0))" } ?? "embedded"
        case .server(let s):
            var text = s.unixSocketPath.map { "postgres://\(s.user)@[\($0)]/\(s.database)" }
                ?? "postgres://\(s.user)@\(s.host):\(s.port)/\(s.database)"
            text += " (tls \(s.tls.rawValue)"
            if s.passwordFile != nil { text += ", password from file" }
            else if let env = s.passwordEnvironment { text += ", password from $\(env)" }
            else if s.password != nil { text += ", password inline" }
            return text + ")"
        }
    }

    // MARK: Decoding


    static let serverKeys: Set<String> = ["url", "host", "port", "user", "database", "password_file", "password_env",
                                          "tls", "ca_file", "unix_socket", "max_connections"]

    public init(from decoder: any Decoder) throws {
        if let single = try? decoder.singleValueContainer(), let text = try? single.decode(String.self) {
            guard text == "embedded" else {
                throw DecodingError.dataCorruptedError(
                    in: single, debugDescription: "database must be 'embedded' or an object with url or host (got '\(text)')")
            }
            self.init()
            return
        }
        let c = try decoder.container(keyedBy: AnyKey.self)
        let keys = Set(c.allKeys.map(\.stringValue))
        let maxConnections = try c.decodeIfPresent(Int.self, forKey: AnyKey("max_connections")) ?? 8
        guard maxConnections >= 1 else {
            throw DecodingError.dataCorruptedError(forKey: AnyKey("max_connections"), in: c, debugDescription: "max_connections must be at least 1")
        }
        if keys.contains("embedded") {
            let extra = keys.subtracting(["embedded", "max_connections"])
            if let key = extra.sorted().first {
                throw DecodingError.dataCorruptedError(forKey: AnyKey(key), in: c, debugDescription: "'\(key)' cannot be combined with 'embedded'")
            }
            var embedded = Embedded()
            if let options = try? c.nestedContainer(keyedBy: AnyKey.self, forKey: AnyKey("embedded")) {
                for key in options.allKeys where key.stringValue != "port" {
                    throw DecodingError.dataCorruptedError(forKey: key, in: options, debugDescription: "unknown key '\(key.stringValue)' (expected: port)")
                }
                embedded.port = try options.decodeIfPresent(Int.self, forKey: AnyKey("port"))
                if let port = embedded.port, !(1...65535).contains(port) {
                    throw DecodingError.dataCorruptedError(forKey: AnyKey("port"), in: options, debugDescription: "port must be 1-65535")
                }
            }
            self.init(source: .embedded(embedded), maxConnections: maxConnections)
            return
        }
        for key in c.allKeys where !DatabaseSettings.serverKeys.contains(key.stringValue) {
            throw DecodingError.dataCorruptedError(
                forKey: key, in: c,
                debugDescription: "unknown key '\(key.stringValue)' (expected one of: \(DatabaseSettings.serverKeys.sorted().joined(separator: ", ")), embedded)")
        }
        var server = Server()
        if let url = try c.decodeIfPresent(String.self, forKey: AnyKey("url")) {
            for key in ["host", "port", "user", "database", "unix_socket"] where keys.contains(key) {
                throw DecodingError.dataCorruptedError(forKey: AnyKey(key), in: c, debugDescription: "'\(key)' cannot be combined with 'url'")
            }
            do {
                server = try DatabaseSettings.parseURL(url)
            } catch {
                throw DecodingError.dataCorruptedError(forKey: AnyKey("url"), in: c, debugDescription: error.description)
            }
        } else {
            guard keys.contains("host") || keys.contains("unix_socket") else {
                throw DecodingError.dataCorruptedError(
                    in: try decoder.singleValueContainer(),
                    debugDescription: "database needs 'url', 'host' or 'unix_socket' (or the string 'embedded')")
            }
            server.host = try c.decodeIfPresent(String.self, forKey: AnyKey("host")) ?? server.host
            server.port = try c.decodeIfPresent(Int.self, forKey: AnyKey("port")) ?? server.port
            server.user = try c.decodeIfPresent(String.self, forKey: AnyKey("user")) ?? server.user
            server.database = try c.decodeIfPresent(String.self, forKey: AnyKey("database")) ?? server.database
            server.unixSocketPath = try c.decodeIfPresent(String.self, forKey: AnyKey("unix_socket"))
        }
        guard (1...65535).contains(server.port) else {
            throw DecodingError.dataCorruptedError(forKey: AnyKey("port"), in: c, debugDescription: "port must be 1-65535")
        }
        server.passwordFile = try c.decodeIfPresent(String.self, forKey: AnyKey("password_file"))
        server.passwordEnvironment = try c.decodeIfPresent(String.self, forKey: AnyKey("password_env"))
        if server.passwordFile != nil && server.passwordEnvironment != nil {
            throw DecodingError.dataCorruptedError(forKey: AnyKey("password_env"), in: c, debugDescription: "give password_file or password_env, not both")
        }
        if let tls = try c.decodeIfPresent(String.self, forKey: AnyKey("tls")) {
            guard let mode = TLSMode(rawValue: tls) else {
                throw DecodingError.dataCorruptedError(forKey: AnyKey("tls"), in: c, debugDescription: "tls must be disable, prefer or require (got '\(tls)')")
            }
            server.tls = mode
        }
        server.caFile = try c.decodeIfPresent(String.self, forKey: AnyKey("ca_file"))
        self.init(source: .server(server), maxConnections: maxConnections)
    }

    /// Parses `postgres://user[:password]@host[:port]/database[?sslmode=disable|prefer|require]`.
    public static func parseURL(_ text: String) throws(DatabaseSettingsError) -> Server {
        guard let components = URLComponents(string: text), let scheme = components.scheme,
              scheme == "postgres" || scheme == "postgresql"
        else { throw DatabaseSettingsError(code: .invalidURL, message: "url must look like postgres://user@host:5432/database") }
        var server = Server()
        if let host = components.host, !host.isEmpty { server.host = host }
        if let port = components.port { server.port = port }
        if let user = components.user, !user.isEmpty { server.user = user.removingPercentEncoding ?? user }
        if let password = components.password { server.password = password.removingPercentEncoding ?? password }
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        if !path.isEmpty { server.database = path }
        for item in components.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                switch item.value ?? "" {
                case "disable": server.tls = .disable
                case "allow", "prefer": server.tls = .prefer
                case "require", "verify-ca", "verify-full": server.tls = .require
                default: throw DatabaseSettingsError(code: .invalidURL, message: "unknown sslmode '\(item.value ?? "")'")
                }
            case "sslrootcert":
                server.caFile = item.value
            default:
                throw DatabaseSettingsError(code: .invalidURL, message: "unknown url parameter '\(item.name)' (supported: sslmode, sslrootcert)")
            }
        }
        return server
    }
}

extension DatabaseSettings.Server {
    /// The password from the file, the environment, or the URL; nil when none is configured.
    public func resolvePassword(environment: [String: String] = ProcessInfo.processInfo.environment) throws(DatabaseSettingsError) -> String? {
        if let passwordFile {
            guard let data = FileManager.default.contents(atPath: passwordFile), let text = String(data: data, encoding: .utf8) else {
                throw DatabaseSettingsError(code: .passwordUnavailable, message: "cannot read password_file \(passwordFile)")
            }
            return text.trimmingCharacters(in: .newlines)
        }
        if let passwordEnvironment {
            guard let value = environment[passwordEnvironment] else {
                throw DatabaseSettingsError(code: .passwordUnavailable, message: "environment variable \(passwordEnvironment) (password_env) is not set")
            }
            return value
        }
        return password
    }

    /// The postgres-nio client configuration, with the password resolved and TLS set up.
    public func clientConfiguration(environment: [String: String] = ProcessInfo.processInfo.environment) throws(DatabaseSettingsError) -> PostgresClient.Configuration {
        let password = try resolvePassword(environment: environment)
        if let unixSocketPath {
            return PostgresClient.Configuration(unixSocketPath: unixSocketPath, username: user, password: password, database: database)
        }
        var tlsConfiguration = TLSConfiguration.makeClientConfiguration()
        if let caFile {
            guard FileManager.default.isReadableFile(atPath: caFile) else {
                throw DatabaseSettingsError(code: .tlsUnavailable, message: "cannot read ca_file \(caFile)")
            }
            tlsConfiguration.trustRoots = .file(caFile)
        }
        let tlsMode: PostgresClient.Configuration.TLS
        switch tls {
        case .disable: tlsMode = .disable
        case .prefer: tlsMode = .prefer(tlsConfiguration)
        case .require: tlsMode = .require(tlsConfiguration)
        }
        return PostgresClient.Configuration(host: host, port: port, username: user, password: password, database: database, tls: tlsMode)
    }
}

/// A database setting that cannot be used.
public struct DatabaseSettingsError: Error, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable {
        case invalidURL
        case passwordUnavailable
        case tlsUnavailable
    }

    public var code: Code
    public var message: String

    public var description: String { message }
}

extension DatabaseSettings: CustomDebugStringConvertible, CustomReflectable {
    public var debugDescription: String { description }
    /// Reflection (`dump`, `print` of containers) shows the safe description only, never the password.
    public var customMirror: Mirror { Mirror(self, children: ["description": description]) }
}

extension DatabaseSettings.Server: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String { DatabaseSettings(source: .server(self)).description }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["description": description]) }
}
