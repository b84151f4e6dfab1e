/// A configuration problem at a place in a file: `file:line:col: error: message`.
public struct ConfigError: Error, Sendable, Hashable, CustomStringConvertible {
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        public let rawValue: String
        public var description: String { rawValue }

        public static let unreadable = Code(rawValue: "unreadable")
        public static let syntax = Code(rawValue: "syntax")
        public static let wrongType = Code(rawValue: "wrong_type")
        public static let missingKey = Code(rawValue: "missing_key")
        public static let unknownKey = Code(rawValue: "unknown_key")
        public static let duplicateKey = Code(rawValue: "duplicate_key")
        public static let invalidValue = Code(rawValue: "invalid_value")
        public static let conflict = Code(rawValue: "conflict")
    }

    public var code: Code
    public var file: String
    /// 1-based; 0 when the problem has no position (an unreadable file).
    public var line: Int
    public var column: Int
    public var message: String

    public init(code: Code, file: String, line: Int, column: Int, message: String) {
        self.code = code
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    public var description: String {
        line > 0 ? "\(file):\(line):\(column): error: \(message)" : "\(file): error: \(message)"
    }
}

/// Every problem found in one load; a load fails as a whole.
public struct ConfigErrors: Error, Sendable, CustomStringConvertible {
    public var errors: [ConfigError]

    public init(_ errors: [ConfigError]) { self.errors = errors }

    public var description: String { errors.map(\.description).joined(separator: "\n") }
}
