import Foundation
import Yams

/// The two keys of the Vigil configuration file the store needs: `database:` and `state_dir:`.
///
/// `vigil migrate`, `vigil incidents` and `vigil report` read the same file as `vigil serve`; the daemon's
/// full configuration type embeds ``DatabaseSettings`` and decodes the rest. Unknown top-level keys are ignored here.
public struct StoreConfigFile: Sendable, Hashable {
    public static let defaultPath = "deploy/vigil.yml"
    public static let defaultStateDirectory = "/var/lib/vigil"

    public var database: DatabaseSettings
    /// Absolute path of the state directory (relative paths are resolved against the working directory).
    public var stateDirectory: String

    public init(database: DatabaseSettings = .embedded, stateDirectory: String = StoreConfigFile.defaultStateDirectory) {
        self.database = database
        self.stateDirectory = stateDirectory
    }

    /// Reads `path`; errors carry `file:line:col`.
    public static func load(path: String, workingDirectory: String = FileManager.default.currentDirectoryPath) throws(ConfigFileError) -> StoreConfigFile {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw ConfigFileError(file: path, line: 0, column: 0, message: "cannot read the configuration file")
        }
        return try parse(yaml: text, file: path, workingDirectory: workingDirectory)
    }

    public static func parse(yaml: String, file: String = "<config>", workingDirectory: String = FileManager.default.currentDirectoryPath) throws(ConfigFileError) -> StoreConfigFile {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            throw ConfigFileError(yamlError: error, file: file)
        } catch {
            throw ConfigFileError(file: file, line: 0, column: 0, message: "\(error)")
        }
        var config = StoreConfigFile()
        guard let root else { return config.resolved(against: workingDirectory) }
        guard let mapping = root.mapping else {
            throw ConfigFileError(node: root, file: file, message: "the configuration must be a mapping")
        }
        if let node = mapping["database"] {
            do {
                config.database = try YAMLDecoder().decode(DatabaseSettings.self, from: node)
            } catch let error as DecodingError {
                throw ConfigFileError(decodingError: error, root: node, file: file, section: "database")
            } catch {
                throw ConfigFileError(node: node, file: file, message: "database: \(error)")
            }
        }
        if let node = mapping["state_dir"] {
            guard let text = node.string, !text.isEmpty else {
                throw ConfigFileError(node: node, file: file, message: "state_dir must be a path")
            }
            config.stateDirectory = text
        }
        return config.resolved(against: workingDirectory)
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
