import VigilEvents

/// How a listener's connections are bound to a customer. An event never chooses its own customer.
public enum CustomerBinding: Sendable, Hashable {
    /// Every connection belongs to one customer.
    case fixed(CustomerID)
    /// The TLS client certificate's subject CN or a SAN (DNS, e-mail, URI, IP) names the customer.
    case certificate(CertificateCustomerMap)
    /// The sender's address, longest matching prefix first.
    case sourceAddress(SourceCustomerMap)

    /// Every customer this binding can produce.
    public var customers: Set<CustomerID> {
        switch self {
        case .fixed(let id): [id]
        case .certificate(let map): Set(map.entries.values)
        case .sourceAddress(let map): Set(map.entries.map(\.customer))
        }
    }
}

/// Certificate name → customer; names compare case-insensitively.
public struct CertificateCustomerMap: Sendable, Hashable {
    public let entries: [String: CustomerID]

    public init(_ entries: [String: CustomerID]) {
        self.entries = Dictionary(entries.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { first, _ in first })
    }

    /// The customer for the first of `names` (CN, then SANs) that is mapped.
    public func customer(for names: [String]) -> (name: String, customer: CustomerID)? {
        for name in names {
            if let customer = entries[name.lowercased()] { return (name, customer) }
        }
        return nil
    }
}

/// CIDR → customer, matched by longest prefix.
public struct SourceCustomerMap: Sendable, Hashable {
    public struct Entry: Sendable, Hashable {
        public let block: CIDRBlock
        public let customer: CustomerID
    }

    public let entries: [Entry]

    public init(_ pairs: [(CIDRBlock, CustomerID)]) {
        entries = pairs.map { Entry(block: $0.0, customer: $0.1) }.sorted { $0.block.prefixLength > $1.block.prefixLength }
    }

    public func customer(for address: IPAddress) -> CustomerID? {
        entries.first { $0.block.contains(address) }?.customer
    }
}
