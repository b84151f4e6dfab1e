/// One entry of the tokenizer's tape: a value, a key, or a container boundary, as a byte range of the input.
struct JSONToken {
    enum Kind: UInt8 {
        case objectStart, objectEnd, arrayStart, arrayEnd, string, number, trueValue, falseValue, null
    }

    var kind: Kind
    /// Strings: the content holds escapes. Numbers: the literal is integral (no fraction or exponent).
    var flag: Bool
    /// Strings: the content between the quotes. Numbers and literals: the literal. Containers: the bracket.
    var start: Int32
    var end: Int32
}
