import Foundation

/// `Display Name <local@domain>` or a bare address.
public struct EmailAddress: Sendable, Hashable, Codable {
    public var name: String?
    public var address: String

    public init(name: String? = nil, address: String) {
        self.name = name
        self.address = address
    }

    /// Parses `Vigil SOC <vigil@soc.example>` or `vigil@soc.example`.
    public init(parsing text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let open = trimmed.lastIndex(of: "<"), trimmed.hasSuffix(">") {
            let name = trimmed[..<open].trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            self.init(name: name.isEmpty ? nil : name, address: String(trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)]))
        } else {
            self.init(name: nil, address: trimmed)
        }
    }

    /// The address part of `text`.
    public static func bareAddress(_ text: String) -> String { EmailAddress(parsing: text).address }

    /// The header form, with the name as an RFC 2047 encoded word when it is not plain ASCII.
    public var header: String {
        guard let name, !name.isEmpty else { return address }
        return "\(MIMEEncoding.phrase(name)) <\(address)>"
    }
}
