import Crypto

/// Signs webhook bodies: `X-Vigil-Signature: sha256=<hex HMAC-SHA256 of the body>`.
public struct WebhookSigner: Sendable {
    public static let header = "X-Vigil-Signature"
    private let key: SymmetricKey

    public init(secret: Secret) { key = SymmetricKey(data: secret.bytes) }

    /// The header value for `body`.
    public func signature(for body: [UInt8]) -> String {
        "sha256=" + HMAC<SHA256>.authenticationCode(for: body, using: key).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }

    /// Checks a received signature in constant time (for receivers and tests).
    public func isValid(signature: String, for body: [UInt8]) -> Bool {
        guard signature.hasPrefix("sha256="), let mac = Self.hexBytes(signature.dropFirst(7)), mac.count == SHA256.byteCount else { return false }
        return HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: body, using: key)
    }

    static func hexBytes(_ text: Substring) -> [UInt8]? {
        guard text.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(index, offsetBy: 2)
            guard let byte = UInt8(text[index..<next], radix: 16) else { return nil }
            bytes.append(byte)
            index = next
        }
        return bytes
    }
}
