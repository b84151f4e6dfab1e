/// A link was refused. The message never contains the token or the secret.
public struct AckLinkError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable {
        /// Not a token this signer made (wrong shape or encoding).
        case malformed
        /// The signature does not match: forged or altered.
        case badSignature
        /// Signed, but past its expiry.
        case expired
        /// The secret is shorter than 32 bytes.
        case weakSecret
        /// A claim cannot be put in a link (empty, or contains a line break).
        case invalidClaim
    }

    public var code: Code

    public init(code: Code) { self.code = code }

    public var description: String {
        switch code {
        case .malformed: "the link is malformed"
        case .badSignature: "the link's signature is not valid"
        case .expired: "the link has expired"
        case .weakSecret: "the acknowledgement secret must be at least 32 bytes"
        case .invalidClaim: "the link's incident or recipient cannot be encoded"
        }
    }
}
