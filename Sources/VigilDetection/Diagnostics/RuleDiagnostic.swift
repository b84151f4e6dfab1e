/// A problem found while loading rules, logsource mappings or playbooks, with its exact place.
public struct RuleDiagnostic: Sendable, Hashable, CustomStringConvertible {
    public enum Severity: String, Sendable, Hashable, Comparable {
        case warning
        case error

        public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs == .warning && rhs == .error }
    }

    /// The file, as given to the loader (relative paths stay relative).
    public var path: String
    /// 1-based line; 0 when the problem concerns the whole file.
    public var line: Int
    /// 1-based column, counted in Unicode scalars; 0 when unknown.
    public var column: Int
    public var severity: Severity
    /// A stable, machine-readable code such as `unknown-modifier`.
    public var code: String
    public var message: String

    public init(path: String, line: Int, column: Int, severity: Severity = .error, code: String, message: String) {
        self.path = path
        self.line = line
        self.column = column
        self.severity = severity
        self.code = code
        self.message = message
    }

    public init(at location: SourceLocation, severity: Severity = .error, code: String, message: String) {
        self.init(path: location.path, line: location.line, column: location.column, severity: severity, code: code,
                  message: message)
    }

    /// `path:line:col: error: message`, the format editors and CI understand.
    public var description: String {
        "\(path):\(line):\(column): \(severity.rawValue): \(message)"
    }
}

/// Why a rule set could not be loaded: every error found, in file order, plus any warnings.
public struct RuleLoadFailure: Error, Sendable, CustomStringConvertible {
    public var diagnostics: [RuleDiagnostic]

    public init(diagnostics: [RuleDiagnostic]) {
        self.diagnostics = diagnostics
    }

    public var errors: [RuleDiagnostic] { diagnostics.filter { $0.severity == .error } }

    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}

/// A place in a source file: path plus 1-based line and column.
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
    public var path: String
    public var line: Int
    public var column: Int

    public init(path: String, line: Int, column: Int) {
        self.path = path
        self.line = line
        self.column = column
    }

    /// The same line, `offset` columns to the right.
    public func advanced(by offset: Int) -> SourceLocation {
        SourceLocation(path: path, line: line, column: column + offset)
    }

    public var description: String { "\(path):\(line):\(column)" }
}

/// Collects diagnostics while loading; loaders keep going after an error to report as many as possible.
struct DiagnosticSink {
    private(set) var diagnostics: [RuleDiagnostic] = []

    var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }

    mutating func error(_ location: SourceLocation, _ code: String, _ message: String) {
        diagnostics.append(RuleDiagnostic(at: location, severity: .error, code: code, message: message))
    }

    mutating func warning(_ location: SourceLocation, _ code: String, _ message: String) {
        diagnostics.append(RuleDiagnostic(at: location, severity: .warning, code: code, message: message))
    }

    mutating func append(_ diagnostic: RuleDiagnostic) { diagnostics.append(diagnostic) }

    mutating func append(contentsOf other: [RuleDiagnostic]) { diagnostics.append(contentsOf: other) }
}

/// Thrown inside compilers to stop at the first error of one construct; the loader records it and moves on.
struct CompileError: Error {
    var location: SourceLocation
    var code: String
    var message: String

    init(_ location: SourceLocation, _ code: String, _ message: String) {
        self.location = location
        self.code = code
        self.message = message
    }

    var diagnostic: RuleDiagnostic { RuleDiagnostic(at: location, code: code, message: message) }
}
