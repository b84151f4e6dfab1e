import Crypto
import Foundation
import NIOSSL
import SwiftASN1
import X509

/// A throwaway CA that issues server and client certificates in memory, for TLS tests.
/// Nothing it makes is ever written to the repository.
public struct TestCertificateAuthority {
    public let key = P256.Signing.PrivateKey()
    public let certificate: Certificate
    public let name: DistinguishedName

    public struct Issued {
        public let certificate: Certificate
        public let key: P256.Signing.PrivateKey

        public var nioCertificate: NIOSSLCertificate { try! NIOSSLCertificate(bytes: Array(certificate.pemString.utf8), format: .pem) }
        public var nioKey: NIOSSLPrivateKey { try! NIOSSLPrivateKey(bytes: Array(key.pemRepresentation.utf8), format: .pem) }
    }

    public init(commonName: String = "Vigil Test CA") throws {
        name = try DistinguishedName { CommonName(commonName) }
        let now = Date()
        certificate = try Certificate(
            version: .v3, serialNumber: .init(), publicKey: .init(key.publicKey),
            notValidBefore: now.addingTimeInterval(-3600), notValidAfter: now.addingTimeInterval(86400),
            issuer: name, subject: name, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
            },
            issuerPrivateKey: .init(key)
        )
    }

    public func issue(commonName: String, dnsNames: [String] = [], server: Bool = false) throws -> Issued {
        let leafKey = P256.Signing.PrivateKey()
        let now = Date()
        let cert = try Certificate(
            version: .v3, serialNumber: .init(), publicKey: .init(leafKey.publicKey),
            notValidBefore: now.addingTimeInterval(-3600), notValidAfter: now.addingTimeInterval(86400),
            issuer: name, subject: try DistinguishedName { CommonName(commonName) }, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([server ? .serverAuth : .clientAuth])
                if !dnsNames.isEmpty { SubjectAlternativeNames(dnsNames.map { .dnsName($0) }) }
            },
            issuerPrivateKey: .init(key)
        )
        return Issued(certificate: cert, key: leafKey)
    }

    public var pem: String { certificate.pemString }

    /// Writes CA, server certificate and key to a temporary directory (for listener configuration paths).
    public func writeServerFiles(to directory: URL) throws -> (certificate: String, key: String, clientCA: String) {
        let server = try issue(commonName: "localhost", dnsNames: ["localhost"], server: true)
        let certPath = directory.appendingPathComponent("server.pem").path
        let keyPath = directory.appendingPathComponent("server.key").path
        let caPath = directory.appendingPathComponent("ca.pem").path
        try server.certificate.pemString.write(toFile: certPath, atomically: true, encoding: .utf8)
        try server.key.pemRepresentation.write(toFile: keyPath, atomically: true, encoding: .utf8)
        try pem.write(toFile: caPath, atomically: true, encoding: .utf8)
        return (certPath, keyPath, caPath)
    }
}

extension Certificate {
    public var pemString: String { try! serializeAsPEM().pemString }
}

extension TestCertificateAuthority.Issued {
    /// Writes `name.pem` and `name.key` into `directory`; returns their paths.
    public func write(to directory: URL, name: String) throws -> (certificate: String, key: String) {
        let cert = directory.appendingPathComponent("\(name).pem").path
        let keyPath = directory.appendingPathComponent("\(name).key").path
        try certificate.pemString.write(toFile: cert, atomically: true, encoding: .utf8)
        try key.pemRepresentation.write(toFile: keyPath, atomically: true, encoding: .utf8)
        return (cert, keyPath)
    }
}
