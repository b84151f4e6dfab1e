import VigilEvents
import VigilOnCall

/// How pages link back to Vigil: the public base URL, the signer and how long links stay valid.
public struct AckLinks: Sendable {
    /// e.g. `https://vigil.example.net`; the link is `{baseURL}/ack/{token}`.
    public var baseURL: String
    public var signer: AckLinkSigner
    public var lifetime: TimeSpan

    public init(baseURL: String, signer: AckLinkSigner, lifetime: TimeSpan = .hours(24)) {
        self.baseURL = baseURL
        self.signer = signer
        self.lifetime = lifetime
    }
}
