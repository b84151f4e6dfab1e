import Testing
import VigilEvents
@testable import VigilOnCall

@Suite struct AckLinkSignerTests {
    let secret = Secret("0123456789abcdef0123456789abcdef-test-only")
    let now = t("2026-11-21T02:13:00Z")

    var claims: AckClaims { AckClaims(incident: "INC-2026-000123", action: .acknowledge, recipient: "tom", expires: now + .hours(24)) }

    @Test func aSignedTokenVerifies() throws {
        let signer = try AckLinkSigner(secret: secret)
        let token = try signer.token(for: claims)
        #expect(!token.contains("+") && !token.contains("/") && !token.contains("="), "base64url without padding")
        #expect(try signer.verify(token, now: now) == claims)
        #expect(try signer.link(baseURL: "https://vigil.soc.example/", claims: claims) == "https://vigil.soc.example/ack/\(token)")
    }

    @Test func expiryIsCheckedAgainstTheGivenTime() throws {
        let signer = try AckLinkSigner(secret: secret)
        let token = try signer.token(for: claims)
        #expect(try signer.verify(token, now: claims.expires - .seconds(1)) == claims)
        let error = #expect(throws: AckLinkError.self) { try signer.verify(token, now: claims.expires) }
        #expect(error?.code == .expired)
    }

    @Test func forgedAndAlteredTokensAreRefused() throws {
        let signer = try AckLinkSigner(secret: secret)
        let other = try AckLinkSigner(secret: Secret("another-secret-that-is-32-bytes-long!!"))
        let forged = try other.token(for: claims)
        #expect((#expect(throws: AckLinkError.self) { try signer.verify(forged, now: now) })?.code == .badSignature)

        // Change the action inside a genuine token, keep the signature.
        let genuine = try signer.token(for: claims)
        let parts = genuine.split(separator: ".")
        var escalated = claims
        escalated.action = .resolve
        let swapped = AckLinkSigner.base64url(Array(AckLinkSigner.payload(escalated).utf8)) + "." + parts[1]
        #expect((#expect(throws: AckLinkError.self) { try signer.verify(swapped, now: now) })?.code == .badSignature)

        // A later expiry with the old signature.
        var extended = claims
        extended.expires = claims.expires + .days(365)
        let stretched = AckLinkSigner.base64url(Array(AckLinkSigner.payload(extended).utf8)) + "." + parts[1]
        #expect((#expect(throws: AckLinkError.self) { try signer.verify(stretched, now: now) })?.code == .badSignature)

        // A truncated signature.
        let short = parts[0] + "." + parts[1].prefix(20)
        #expect((#expect(throws: AckLinkError.self) { try signer.verify(String(short), now: now) })?.code == .badSignature)
    }

    @Test(arguments: ["", "abc", "a.b.c", "!!!.???", "eyJ.", ".c2ln"])
    func malformedTokensAreRefused(_ token: String) throws {
        let signer = try AckLinkSigner(secret: secret)
        #expect((#expect(throws: AckLinkError.self) { try signer.verify(token, now: now) })?.code == .malformed)
    }

    @Test func weakSecretsAndUnencodableClaimsAreRefused() throws {
        #expect((#expect(throws: AckLinkError.self) { try AckLinkSigner(secret: Secret("short")) })?.code == .weakSecret)
        let signer = try AckLinkSigner(secret: secret)
        var bad = claims
        bad.recipient = "tom\nmallory"
        #expect((#expect(throws: AckLinkError.self) { try signer.token(for: bad) })?.code == .invalidClaim)
    }

    @Test func actionsIncludeTheWeakerOnes() {
        let resolve = AckClaims(incident: "i", action: .resolve, recipient: "r", expires: now)
        #expect(resolve.allows(.view) && resolve.allows(.acknowledge) && resolve.allows(.resolve))
        let ack = AckClaims(incident: "i", action: .acknowledge, recipient: "r", expires: now)
        #expect(ack.allows(.acknowledge) && !ack.allows(.resolve))
    }

    @Test func secretsComeFromFilesOrTheEnvironmentAndNeverPrint() throws {
        let path = FileManagerTemp.write("  top-secret-value-123\n")
        let fromFile = try SecretReference.file(path).load(environment: [:])
        #expect(fromFile.value == "  top-secret-value-123")
        #expect("\(fromFile)" == "<redacted>")
        #expect(String(reflecting: fromFile) == "<redacted>")
        let fromEnv = try SecretReference.environment("VIGIL_ACK_KEY").load(environment: ["VIGIL_ACK_KEY": "abc"])
        #expect(fromEnv.value == "abc")
        let missing = #expect(throws: SecretError.self) { try SecretReference.environment("NOPE").load(environment: [:]) }
        #expect(missing?.code == .missing)
        #expect(missing?.description == "secret from environment variable NOPE is not set")
        let unreadable = #expect(throws: SecretError.self) { try SecretReference.file("/nonexistent/x").load(environment: [:]) }
        #expect(unreadable?.code == .unreadable)
    }
}
