/// JSON text that `JSONValue(parsing:)` cannot read.
public struct JSONValueError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable {
        case unexpectedEnd, unexpectedCharacter, trailingCharacters, badNumber, badEscape, tooDeep
    }

    public var code: Code
    /// Byte offset of the problem.
    public var offset: Int

    public var description: String { "JSON \(code.rawValue) at byte \(offset)" }
}
