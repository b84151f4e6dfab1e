/// One problem in a configuration file, located by 1-based line and column.
public struct ConfigDiagnostic: Sendable, Hashable, CustomStringConvertible {
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

    /// `path:line:col: message`, the form editors and CI logs understand.
    public var description: String { "\(file):\(line):\(column): \(message)" }
}
