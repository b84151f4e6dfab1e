import VigilOnCall

/// One revision of the on-call configuration, ready to page with: directory, composer, channels.
/// A cache of the database, rebuilt when the revision changes; never the source of truth.
public struct PagingRuntime: Sendable {
    public let revision: Int64
    public let config: OnCallConfig
    public let directory: OnCallDirectory
    public let composer: PageComposer
    public let channels: ChannelRegistry

    public init(revision: Int64, config: OnCallConfig, ackLinks: AckLinks?, channels: ChannelRegistry) {
        self.revision = revision
        self.config = config
        directory = OnCallDirectory(config: config)
        composer = PageComposer(directory: directory, signer: ackLinks?.signer, ackBaseURL: ackLinks?.baseURL,
                                linkLifetime: ackLinks?.lifetime ?? .hours(24))
        self.channels = channels
    }

    /// The customer's display name: the on-call entry's.
    public func customerName(_ id: String) -> String? { config.customer(id)?.name }
}
