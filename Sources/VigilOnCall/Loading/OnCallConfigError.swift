/// The configuration could not be loaded; `diagnostics` lists every problem found, in file order.
public struct OnCallConfigError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable {
        /// The file could not be read.
        case unreadable
        /// The YAML itself is malformed.
        case syntax
        /// Well-formed YAML that breaks the on-call model's rules.
        case invalid
    }

    public var code: Code
    public var diagnostics: [ConfigDiagnostic]

    public init(code: Code, diagnostics: [ConfigDiagnostic]) {
        self.code = code
        self.diagnostics = diagnostics
    }

    /// One `path:line:col: message` per line.
    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}
