import Foundation
import VigilEvents
import VigilOnCall

/// How the paging engine runs: its name among instances, leases, sweeps and limits.
public struct PagingSettings: Sendable {
    /// Written to `page_outbox.claimed_by`; a restarted instance with the same name takes its own claims back at once.
    /// Two running instances must not share a name.
    public var instanceName: String
    /// A page claimed but not confirmed within this time is sent again (same idempotency key) by any instance.
    /// Longer than the slowest provider timeout.
    public var lease: TimeSpan
    /// How often to look for anything a missed notification left behind (new incidents, acknowledgements, config changes).
    public var sweepInterval: TimeSpan
    /// Pages in flight at once per instance.
    public var maxParallelSends: Int
    /// Incidents created longer ago than this are not paged when first seen (e.g. after enabling paging on an old database).
    public var maxIncidentAge: TimeSpan
    /// A page whose lease lapsed this many times without an outcome is given up (reported as a permanent failure).
    public var maxUnconfirmedSends: Int
    /// Signed acknowledgement links in pages; nil sends pages without links.
    public var ackLinks: AckLinks?
    /// Where the daemon got its configuration, to apply at start when the database has none (or always).
    public var bootstrap: Bootstrap?

    /// An on-call file to apply when the engine starts.
    public struct Bootstrap: Sendable {
        public enum Mode: String, Sendable, Hashable {
            /// Only when no configuration has been applied yet (the default): afterwards `vigil oncall apply` is the way.
            case ifEmpty = "if_empty"
            /// Whenever the file differs from the database (audited like an apply).
            case always
        }

        public var config: OnCallConfig
        public var source: OnCallConfigStore.Source
        public var mode: Mode

        public init(config: OnCallConfig, source: OnCallConfigStore.Source, mode: Mode = .ifEmpty) {
            self.config = config
            self.source = source
            self.mode = mode
        }
    }

    public init(instanceName: String = PagingSettings.defaultInstanceName, lease: TimeSpan = .minutes(2), sweepInterval: TimeSpan = .seconds(30),
                maxParallelSends: Int = 8, maxIncidentAge: TimeSpan = .hours(24), maxUnconfirmedSends: Int = 5, ackLinks: AckLinks? = nil,
                bootstrap: Bootstrap? = nil) {
        self.instanceName = instanceName
        self.lease = lease
        self.sweepInterval = sweepInterval
        self.maxParallelSends = max(1, maxParallelSends)
        self.maxIncidentAge = maxIncidentAge
        self.maxUnconfirmedSends = max(1, maxUnconfirmedSends)
        self.ackLinks = ackLinks
        self.bootstrap = bootstrap
    }

    /// The host name.
    public static var defaultInstanceName: String { ProcessInfo.processInfo.hostName }
}
