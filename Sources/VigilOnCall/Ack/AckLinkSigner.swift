import Crypto
import Foundation
import VigilEvents

/// Makes and checks signed acknowledgement links: HMAC-SHA256 over incident, action, expiry and
/// recipient; base64url; constant-time verification; expiry checked against a time the caller passes.
public struct AckLinkSigner: Sendable {
    private let key: SymmetricKey
    private static let version = "v1"

    /// `secret` must hold at least 32 bytes.
    public init(secret: Secret) throws(AckLinkError) {
        guard secret.bytes.count >= 32 else { throw AckLinkError(code: .weakSecret) }
        key = SymmetricKey(data: secret.bytes)
    }

    /// The token: `base64url(payload).base64url(mac)`.
    public func token(for claims: AckClaims) throws(AckLinkError) -> String {
        for field in [claims.incident, claims.recipient] where field.isEmpty || field.contains(where: \.isNewline) {
            throw AckLinkError(code: .invalidClaim)
        }
        let payload = Array(Self.payload(claims).utf8)
        let mac = HMAC<SHA256>.authenticationCode(for: payload, using: key)
        return Self.base64url(payload) + "." + Self.base64url(Array(mac))
    }

    /// The full link, `{baseURL}/ack/{token}`.
    public func link(baseURL: String, claims: AckClaims) throws(AckLinkError) -> String {
        let base = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        return "\(base)/ack/\(try token(for: claims))"
    }

    /// The claims of a genuine, unexpired token. The signature is checked before anything in the payload is trusted.
    public func verify(_ token: String, now: Timestamp) throws(AckLinkError) -> AckClaims {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let payload = Self.decode(parts[0]), let mac = Self.decode(parts[1]) else {
            throw AckLinkError(code: .malformed)
        }
        guard mac.count == SHA256.byteCount else { throw AckLinkError(code: .badSignature) }
        guard HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: payload, using: key) else {
            throw AckLinkError(code: .badSignature)
        }
        let fields = String(decoding: payload, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard fields.count == 5, fields[0] == Self.version, let action = AckClaims.Action(rawValue: fields[2]),
              let seconds = Int64(fields[3]) else {
            throw AckLinkError(code: .malformed)
        }
        let claims = AckClaims(incident: fields[1], action: action, recipient: fields[4], expires: Timestamp(seconds: seconds))
        guard now < claims.expires else { throw AckLinkError(code: .expired) }
        return claims
    }

    static func payload(_ claims: AckClaims) -> String {
        [version, claims.incident, claims.action.rawValue, String(claims.expires.seconds), claims.recipient].joined(separator: "\n")
    }

    static func base64url(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    static func decode(_ text: Substring) -> [UInt8]? {
        guard !text.isEmpty, text.utf8.allSatisfy({ b in
            (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39) || b == 0x2D || b == 0x5F
        }) else { return nil }
        var s = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while s.count % 4 != 0 { s += "=" }
        return Data(base64Encoded: s).map(Array.init)
    }
}
