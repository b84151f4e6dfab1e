import Foundation

/// Where a secret lives: a file or an environment variable. The configuration never holds the value.
public enum SecretReference: Sendable, Hashable, Codable, CustomStringConvertible {
    case file(String)
    case environment(String)

    /// Names the source, never the value.
    public var description: String {
        switch self {
        case .file(let path): "file \(path)"
        case .environment(let name): "environment variable \(name)"
        }
    }

    /// Reads the secret (trailing newlines trimmed). Errors name the source, never the content.
    public func load(environment: [String: String] = ProcessInfo.processInfo.environment) throws(SecretError) -> Secret {
        let text: String
        switch self {
        case .file(let path):
            guard let data = FileManager.default.contents(atPath: path) else { throw SecretError(code: .unreadable, source: description) }
            text = String(decoding: data, as: UTF8.self)
        case .environment(let name):
            guard let value = environment[name] else { throw SecretError(code: .missing, source: description) }
            text = value
        }
        let trimmed = text.trimmingCharacters(in: .newlines)
        guard !trimmed.isEmpty else { throw SecretError(code: .empty, source: description) }
        return Secret(trimmed)
    }
}

/// A secret value that prints as `<redacted>` so it cannot leak into logs by interpolation.
public struct Secret: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    public let value: String

    public init(_ value: String) { self.value = value }

    public var bytes: [UInt8] { Array(value.utf8) }
    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }
}

/// A secret could not be loaded.
public struct SecretError: Error, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable { case missing, unreadable, empty, tooShort }
    public var code: Code
    /// The file or variable name, never the value.
    public var source: String

    public init(code: Code, source: String) {
        self.code = code
        self.source = source
    }

    public var description: String {
        switch code {
        case .missing: "secret from \(source) is not set"
        case .unreadable: "secret from \(source) cannot be read"
        case .empty: "secret from \(source) is empty"
        case .tooShort: "secret from \(source) is too short"
        }
    }
}
