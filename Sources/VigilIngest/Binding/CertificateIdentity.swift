import NIOSSL
import X509

/// The names a client certificate asserts: subject CN first, then SANs.
public enum CertificateIdentity {
    public static func names(of certificate: NIOSSLCertificate) -> [String] {
        guard let der = try? certificate.toDERBytes(), let parsed = try? Certificate(derEncoded: der) else { return [] }
        return names(of: parsed)
    }

    public static func names(of certificate: Certificate) -> [String] {
        var names: [String] = []
        for rdn in certificate.subject {
            for attribute in rdn where attribute.type == .RDNAttributeType.commonName {
                if let cn = String(attribute.value) { names.append(cn) }
            }
        }
        if let sans = try? certificate.extensions.subjectAlternativeNames {
            for san in sans {
                switch san {
                case .dnsName(let name), .rfc822Name(let name), .uniformResourceIdentifier(let name):
                    names.append(name)
                case .ipAddress(let octets):
                    let bytes = Array(octets.bytes)
                    if bytes.count == 4 { names.append(bytes.map(String.init).joined(separator: ".")) }
                default:
                    break
                }
            }
        }
        return names
    }
}
