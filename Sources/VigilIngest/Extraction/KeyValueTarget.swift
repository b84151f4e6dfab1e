import VigilEvents

/// Where one `key=value` key goes, and how its value is converted.
public struct KeyValueTarget: Sendable {
    public enum Kind: String, Sendable, CaseIterable {
        case string, int, ip, lower
    }

    /// The field to set; nil when only `pattern` captures are used.
    public var field: String?
    public var kind: Kind
    /// Value translations applied first, such as `failed: failure`.
    public var values: [String: String]
    /// Matched against the value; its captures set fields (`audit(%{-}:%{auditd.log.sequence:int}):`).
    public var pattern: ExtractionPattern?

    public init(field: String?, kind: Kind = .string, values: [String: String] = [:], pattern: ExtractionPattern? = nil) {
        self.field = field
        self.kind = kind
        self.values = values
        self.pattern = pattern
    }

    /// The converted value, or nil when it does not fit the kind.
    func convert(_ b: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int) -> FieldValue? {
        if !values.isEmpty {
            let text = ByteText.string(b, s, e)
            if let mapped = values[text] { return .string(mapped) }
        }
        switch kind {
        case .string: return .string(ByteText.string(b, s, e))
        case .int: return ByteText.signedDecimal(b, s, e).map { .int($0) }
        case .ip: return IPAddressSyntax.isValid(b, s, e) ? .string(ByteText.string(b, s, e)) : nil
        case .lower: return .string(ByteText.string(b, s, e).lowercased())
        }
    }
}
