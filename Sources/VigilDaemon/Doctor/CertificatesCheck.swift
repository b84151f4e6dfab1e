import NIOSSL
import VigilEvents
import VigilIngest
import VigilStore

/// TLS listeners' certificates are valid now and not about to expire, their keys match, and their client CAs
/// (and the database CA) are valid.
struct CertificatesCheck: DoctorCheck {
    let name = "tls"

    func run(_ context: DoctorContext) async -> [DoctorFinding] {
        let now = context.clock.now
        let warnDays = context.options.certificateWarningDays
        var findings: [DoctorFinding] = []
        for listener in context.configuration.listeners {
            guard let tls = listener.tls else { continue }
            findings += serverCertificate(tls, listener: listener.name, now: now, warnDays: warnDays)
            if let ca = tls.clientCAPath {
                findings += authorities(ca, subject: "tls client CA", now: now, warnDays: warnDays)
            }
        }
        if case .server(let server) = context.configuration.database?.source, let ca = server.caFile {
            findings += authorities(ca, subject: "database CA", now: now, warnDays: warnDays)
        }
        return findings.isEmpty ? [.ok(name, "tls: no TLS listeners, nothing to check")] : findings
    }

    private func serverCertificate(_ tls: TLSSettings, listener: String, now: Timestamp, warnDays: Int) -> [DoctorFinding] {
        let subject = "tls certificate \(tls.certificatePath)"
        let chain: [NIOSSLCertificate]
        do {
            chain = try NIOSSLCertificate.fromPEMFile(tls.certificatePath)
        } catch {
            return [.fail(name, "\(subject) (listener \(listener)) cannot be loaded: \(error)", fix: "give a PEM certificate file")]
        }
        guard let leaf = chain.first else {
            return [.fail(name, "\(subject) (listener \(listener)) holds no certificate", fix: "give a PEM certificate file")]
        }
        let key: NIOSSLPrivateKey
        do {
            key = try NIOSSLPrivateKey(file: tls.keyPath, format: .pem)
        } catch {
            return [.fail(name, "tls key \(tls.keyPath) (listener \(listener)) cannot be loaded: \(error)",
                          fix: "give the PEM private key of the certificate (unencrypted)")]
        }
        var findings: [DoctorFinding] = []
        if !Self.keyMatches(chain: chain, key: key) {
            findings.append(.fail(name, "tls key \(tls.keyPath) does not match \(subject) (listener \(listener))",
                                  fix: "use the key the certificate was issued for"))
        }
        findings.append(Self.validity(leaf).finding(check: name, subject: subject, now: now, warnDays: warnDays,
                                                    okSuffix: findings.isEmpty ? ", key matches (listener \(listener))" : ""))
        return findings
    }

    private func authorities(_ path: String, subject: String, now: Timestamp, warnDays: Int) -> [DoctorFinding] {
        let certificates: [NIOSSLCertificate]
        do {
            certificates = try NIOSSLCertificate.fromPEMFile(path)
        } catch {
            return [.fail(name, "\(subject) \(path) cannot be loaded: \(error)", fix: "give a PEM file of CA certificates")]
        }
        if certificates.isEmpty { return [.fail(name, "\(subject) \(path) holds no certificate", fix: "give a PEM file of CA certificates")] }
        return certificates.enumerated().map { index, certificate in
            Self.validity(certificate).finding(check: name, subject: "\(subject) \(path)" + (certificates.count > 1 ? " #\(index + 1)" : ""),
                                               now: now, warnDays: warnDays)
        }
    }

    static func validity(_ certificate: NIOSSLCertificate) -> CertificateValidity {
        CertificateValidity(notBefore: Timestamp(seconds: Int64(certificate.notValidBefore)),
                            notAfter: Timestamp(seconds: Int64(certificate.notValidAfter)))
    }

    /// BoringSSL refuses a server context whose key does not belong to the leaf certificate.
    static func keyMatches(chain: [NIOSSLCertificate], key: NIOSSLPrivateKey) -> Bool {
        let configuration = TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        return (try? NIOSSLContext(configuration: configuration)) != nil
    }
}
