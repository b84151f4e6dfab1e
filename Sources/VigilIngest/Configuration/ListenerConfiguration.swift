import VigilEvents

/// One TCP (or TLS) listener: where it binds, what it expects, and whose events it receives.
public struct ListenerConfiguration: Sendable, Hashable {
    public var name: String
    public var address: String
    public var port: Int
    public var wireProtocol: WireProtocol
    public var framing: FramingMode
    /// The zone of RFC 3164 timestamps, which carry none.
    public var timeZone: ZoneRules
    public var maxFrameBytes: Int
    public var tls: TLSSettings?
    public var binding: CustomerBinding

    public init(
        name: String, address: String = "127.0.0.1", port: Int, wireProtocol: WireProtocol = .auto,
        framing: FramingMode = .auto, timeZone: ZoneRules = .utc, maxFrameBytes: Int = 64 * 1024,
        tls: TLSSettings? = nil, binding: CustomerBinding
    ) {
        self.name = name
        self.address = address
        self.port = port
        self.wireProtocol = wireProtocol
        self.framing = framing
        self.timeZone = timeZone
        self.maxFrameBytes = maxFrameBytes
        self.tls = tls
        self.binding = binding
    }

    /// Reads one entry of `listeners:`; problems go to the node's diagnostics.
    public static func parse(_ yaml: YAMLNode, limits: IngestLimits, baseDirectory: String) -> ListenerConfiguration? {
        guard let map = yaml.mapping else { return nil }
        let name = map.required("name")?.string
        let address = map.required("address")?.string
        var port: Int?
        if let node = map.required("port"), let p = node.int {
            if (0...65535).contains(p) { port = p } else { node.error(.invalidValue, "port \(p) is outside 0-65535") }
        }
        var wireProtocol = WireProtocol.auto
        if let node = map["protocol"], let text = node.string {
            if let p = WireProtocol(rawValue: text) { wireProtocol = p } else {
                node.error(.invalidValue, "unknown protocol '\(text)'; use syslog, json, cef or auto")
            }
        }
        var framing = FramingMode.auto
        if let node = map["framing"], let text = node.string {
            if let f = FramingMode(rawValue: text) { framing = f } else {
                node.error(.invalidValue, "unknown framing '\(text)'; use auto, octet-counting or lf")
            }
        }
        var zone = ZoneRules.utc
        if let node = map["time_zone"], let text = node.string {
            if let z = ZoneRules(identifier: text) { zone = z } else { node.error(.invalidValue, "unknown time zone '\(text)'") }
        }
        var maxFrame = limits.maxFrameBytes
        if let node = map["max_frame_bytes"], let v = node.byteCount { maxFrame = IngestLimits.positive(v, node) }
        let tls = map["tls"].flatMap { parseTLS($0, baseDirectory: baseDirectory) }
        let binding = parseBinding(map, tls: tls)
        map.finish()
        guard let name, let address, let port, let binding else { return nil }
        if address.isEmpty { map.owner.error(.invalidValue, "listener '\(name)': address is empty") }
        return ListenerConfiguration(name: name, address: address, port: port, wireProtocol: wireProtocol, framing: framing,
                                     timeZone: zone, maxFrameBytes: maxFrame, tls: tls, binding: binding)
    }

    static func parseTLS(_ yaml: YAMLNode, baseDirectory: String) -> TLSSettings? {
        guard let map = yaml.mapping else { return nil }
        let certificate = map.required("certificate")?.string
        let key = map.required("key")?.string
        let clientCA = map["client_ca"]?.string
        var mode: TLSSettings.ClientCertificate?
        if let node = map["client_certificate"], let text = node.string {
            mode = TLSSettings.ClientCertificate(rawValue: text)
            if mode == nil { node.error(.invalidValue, "client_certificate must be required, optional or none") }
            if mode != TLSSettings.ClientCertificate.none, clientCA == nil {
                node.error(.missingKey, "client_certificate '\(text)' needs client_ca")
            }
        }
        map.finish()
        guard let certificate, let key else { return nil }
        func resolve(_ p: String) -> String { p.hasPrefix("/") ? p : baseDirectory + "/" + p }
        return TLSSettings(certificatePath: resolve(certificate), keyPath: resolve(key),
                           clientCAPath: clientCA.map(resolve), clientCertificate: mode)
    }

    static func parseBinding(_ map: YAMLMapping, tls: TLSSettings?) -> CustomerBinding? {
        let fixed = map["customer"]
        let byCertificate = map["customers_by_certificate"]
        let bySource = map["customers_by_source"]
        let given = [fixed, byCertificate, bySource].compactMap { $0 }
        guard given.count == 1 else {
            map.owner.error(given.isEmpty ? .missingKey : .conflict,
                            "a listener needs exactly one of customer, customers_by_certificate, customers_by_source")
            return nil
        }
        func customer(_ n: YAMLNode) -> CustomerID? {
            guard let text = n.string else { return nil }
            let id = CustomerID(text)
            if !id.isWellFormed { n.error(.invalidValue, "'\(text)' is not a customer id (a-z, 0-9, '-', '_', '.')") }
            return id
        }
        if let fixed { return customer(fixed).map(CustomerBinding.fixed) }
        if let byCertificate {
            guard let entries = byCertificate.mapping else { return nil }
            if tls?.clientCAPath == nil {
                byCertificate.error(.missingKey, "customers_by_certificate needs tls with client_ca")
            }
            var out: [String: CustomerID] = [:]
            for (key, value) in entries.pairs {
                if let name = key.string, let id = customer(value) { out[name] = id }
            }
            return .certificate(CertificateCustomerMap(out))
        }
        guard let bySource, let entries = bySource.mapping else { return nil }
        var out: [(CIDRBlock, CustomerID)] = []
        for (key, value) in entries.pairs {
            guard let text = key.string else { continue }
            guard let block = CIDRBlock(text) else {
                key.error(.invalidValue, "'\(text)' is not an address block such as 10.0.0.0/8 or 2001:db8::/32")
                continue
            }
            if let id = customer(value) { out.append((block, id)) }
        }
        return .sourceAddress(SourceCustomerMap(out))
    }
}
