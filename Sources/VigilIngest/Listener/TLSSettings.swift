import NIOSSL

/// A listener's TLS files. With a client CA, clients must (or may) present a certificate it signed.
public struct TLSSettings: Sendable, Hashable {
    public enum ClientCertificate: String, Sendable, Hashable {
        case required
        case optional
        case none
    }

    public var certificatePath: String
    public var keyPath: String
    public var clientCAPath: String?
    public var clientCertificate: ClientCertificate

    public init(certificatePath: String, keyPath: String, clientCAPath: String? = nil, clientCertificate: ClientCertificate? = nil) {
        self.certificatePath = certificatePath
        self.keyPath = keyPath
        self.clientCAPath = clientCAPath
        self.clientCertificate = clientCertificate ?? (clientCAPath == nil ? .none : .required)
    }

    /// Reads the files and builds the context. Call off the event loop; it does file I/O.
    public func makeServerContext() throws -> NIOSSLContext {
        let chain = try NIOSSLCertificate.fromPEMFile(certificatePath).map { NIOSSLCertificateSource.certificate($0) }
        let key = try NIOSSLPrivateKey(file: keyPath, format: .pem)
        var configuration: TLSConfiguration
        if let clientCAPath {
            configuration = TLSConfiguration.makeServerConfigurationWithMTLS(
                certificateChain: chain,
                privateKey: .privateKey(key),
                trustRoots: .file(clientCAPath)
            )
            configuration.certificateVerification = clientCertificate == .optional ? .optionalVerification : .noHostnameVerification
        } else {
            configuration = TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key))
        }
        configuration.minimumTLSVersion = .tlsv12
        return try NIOSSLContext(configuration: configuration)
    }
}
