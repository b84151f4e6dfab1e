import Foundation
import Yams

/// Loads `oncall.yml`: parses, checks every value and reference, and reports all problems at once.
public enum OnCallConfigLoader {
    /// Reads and loads a file; diagnostics carry `path`.
    public static func load(contentsOf path: String) throws(OnCallConfigError) -> OnCallConfig {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw OnCallConfigError(code: .unreadable, diagnostics: [
                ConfigDiagnostic(file: path, line: 1, column: 1, message: "cannot read the file"),
            ])
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw OnCallConfigError(code: .unreadable, diagnostics: [
                ConfigDiagnostic(file: path, line: 1, column: 1, message: "the file is not UTF-8 text"),
            ])
        }
        return try load(yaml: text, file: path)
    }

    /// Loads configuration text; `file` names it in diagnostics.
    public static func load(yaml: String, file: String = "oncall.yml") throws(OnCallConfigError) -> OnCallConfig {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch {
            throw OnCallConfigError(code: .syntax, diagnostics: [syntaxDiagnostic(error, file: file)])
        }
        guard let root else {
            throw OnCallConfigError(code: .invalid, diagnostics: [
                ConfigDiagnostic(file: file, line: 1, column: 1, message: "the file is empty"),
            ])
        }
        let parser = OnCallConfigParser(reader: YAMLReader(file: file))
        let config = parser.parse(root)
        let diagnostics = parser.reader.diagnostics.sorted { ($0.line, $0.column) < ($1.line, $1.column) }
        guard diagnostics.isEmpty, let config else {
            throw OnCallConfigError(code: .invalid, diagnostics: diagnostics)
        }
        return config
    }

    static func syntaxDiagnostic(_ error: any Error, file: String) -> ConfigDiagnostic {
        guard let yamlError = error as? YamlError else {
            return ConfigDiagnostic(file: file, line: 1, column: 1, message: "YAML error: \(error)")
        }
        switch yamlError {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            let detail = context.map { " (\($0.text))" } ?? ""
            return ConfigDiagnostic(file: file, line: mark.line, column: mark.column, message: "YAML syntax: \(problem)\(detail)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            return ConfigDiagnostic(file: file, line: context.mark.line, column: context.mark.column,
                                    message: "duplicate key \(duplicates.map { "'\($0)'" }.joined(separator: ", ")) in one mapping")
        case .reader(let problem, _, _, _):
            return ConfigDiagnostic(file: file, line: 1, column: 1, message: "YAML reader: \(problem)")
        default:
            return ConfigDiagnostic(file: file, line: 1, column: 1, message: "YAML error: \(yamlError)")
        }
    }
}
