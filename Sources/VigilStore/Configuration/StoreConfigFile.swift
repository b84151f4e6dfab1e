import Foundation
import Yams

/// The two keys of the Vigil configuration file the store needs: `database:` and `state_dir:`.
///
/// `vigil migrate`, `vigil incidents` and `vigil report` read the same file as `vigil serve`; the daemon's
/// full configuration type embeds ``DatabaseSettings`` and decodes the rest. Unknown top-level keys are ignored here.
/// As in the daemon's configuration, relative paths are relative to the file, and `state_dir` defaults to
/// `.vigil-state` next to it.
public struct StoreConfigFile: Sendable, Hashable {
    public static let defaultPath = "deploy/vigil.yml"
    public static let defaultStateDirectory = ".vigil-state"

    public var database: DatabaseSettings
    /// Absolute path of the state directory (relative paths are resolved against the working directory).
    public var stateDirectory: String

    public init(database: DatabaseSettings = .embedded, stateDirectory: String = StoreConfigFile.defaultStateDirectory) {
        self.database = database
        self.stateDirectory = stateDirectory
    }

    /// Reads `path`; errors carry `file:line:col`. Relative paths in it are relative to its directory.
    public static func load(path: String) throws(ConfigFileError) -> StoreConfigFile {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw ConfigFileError(file: path, line: 0, column: 0, message: "cannot read the configuration file")
        }
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        return try parse(yaml: text, file: path, baseDirectory: URL(fileURLWithPath: absolute).deletingLastPathComponent().path)
    }

    /// Parses configuration text; relative paths are resolved against `baseDirectory` (the file's directory).
    public static func parse(yaml: String, file: String = "<config>", baseDirectory: String = FileManager.default.currentDirectoryPath) throws(ConfigFileError) -> StoreConfigFile {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            throw ConfigFileError(yamlError: error, file: file)
        } catch {
            throw ConfigFileError(file: file, line: 0, column: 0, message: "\(error)")
        }
        var config = StoreConfigFile()
        guard let root else { return config.resolved(against: baseDirectory) }
        guard let mapping = root.mapping else {
            throw ConfigFileError(node: root, file: file, message: "the configuration must be a mapping")
        }
        if let node = mapping["database"] {
            config.database = try decodeSection(DatabaseSettings.self, from: node, file: file, section: "database")
        }
        if let node = mapping["state_dir"] {
            guard let text = node.string, !text.isEmpty else {
                throw ConfigFileError(node: node, file: file, message: "state_dir must be a path")
            }
            config.stateDirectory = text
        }
        return config.resolved(against: baseDirectory)
    }

    /// Decodes one section (`database:`, `incidents:`) of a YAML configuration, with errors at `file:line:col`
    /// of the offending node. The daemon's configuration can use it for ``DatabaseSettings`` and ``IncidentSinkSettings``.
    public static func decodeSection<T: Decodable>(_ type: T.Type, from node: Node, file: String, section: String) throws(ConfigFileError) -> T {
        do {
            return try YAMLDecoder().decode(T.self, from: node)
        } catch let error as DecodingError {
            throw ConfigFileError(decodingError: error, root: node, file: file, section: section)
        } catch {
            throw ConfigFileError(node: node, file: file, message: "\(section): \(error)")
        }
    }

    private func resolved(against workingDirectory: String) -> StoreConfigFile {
        var copy = self
        if !stateDirectory.hasPrefix("/") {
            copy.stateDirectory = URL(fileURLWithPath: workingDirectory).appendingPathComponent(stateDirectory).standardizedFileURL.path
        }
        return copy
    }
}

/// A configuration problem at `file:line:col` (1-based).
public struct ConfigFileError: Error, Hashable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int
    public var message: String

    public init(file: String, line: Int, column: Int, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    init(node: Node, file: String, message: String) {
        // Yams 6 marks are 1-based already.
        self.init(file: file, line: node.mark?.line ?? 0, column: node.mark?.column ?? 0, message: message)
    }

    init(yamlError: YamlError, file: String) {
        switch yamlError {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
            self.init(file: file, line: mark.line, column: mark.column, message: problem)
        default:
            self.init(file: file, line: 0, column: 0, message: "\(yamlError)")
        }
    }

    /// Points at the node the decoding error's coding path names, as deep as it can be found.
    init(decodingError: DecodingError, root: Node, file: String, section: String) {
        let (path, detail): ([any CodingKey], String)
        switch decodingError {
        case .dataCorrupted(let c): (path, detail) = (c.codingPath, c.debugDescription)
        case .keyNotFound(let key, let c): (path, detail) = (c.codingPath, "missing key '\(key.stringValue)'")
        case .typeMismatch(_, let c): (path, detail) = (c.codingPath, c.debugDescription)
        case .valueNotFound(_, let c): (path, detail) = (c.codingPath, c.debugDescription)
        @unknown default: (path, detail) = ([], "\(decodingError)")
        }
        var node = root
        for key in path {
            guard let next = node.mapping?[key.stringValue] else { break }
            node = next
        }
        let where_ = ([section] + path.map(\.stringValue)).joined(separator: ".")
        self.init(node: node, file: file, message: "\(where_): \(detail)")
    }

    public var description: String { "\(file):\(line):\(column): \(message)" }
}
