import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle
import VigilEvents
import VigilOnCall
import VigilStore

/// The on-call side of the daemon: the paging engine (a Service) and the acknowledgement endpoints.
/// Built after ``StorageServices`` (it needs the database client); the engine goes into the service group right
/// after the storage services, so it stops before the client does.
struct PagingServices {
    var services: [ServiceGroupConfiguration.ServiceConfiguration] = []
    var engine: PagingEngine?
    var ack: AckEndpoints?

    static func make(config: VigilConfiguration, client: PostgresClient?, clock: any WallClock, logger: Logger) throws -> PagingServices {
        let s = config.onCall
        guard let client, s.enabled else {
            logger.notice("paging: off", metadata: ["reason": "\(client == nil ? "no database" : "oncall.enabled is false")"])
            return PagingServices()
        }
        var pagingLogger = Logger(label: "vigil.paging")
        pagingLogger.logLevel = logger.logLevel
        let fileAck = s.fileConfig?.providers.ack
        let secret = try (s.secret ?? fileAck?.secret).map { try $0.load() }
            ?? StateSecret.loadOrCreate(stateDirectory: config.stateDirectory, name: "ack-secret")
        let signer = try AckLinkSigner(secret: secret)
        let baseURL = s.baseURL ?? fileAck?.baseURL ?? "http://\(config.httpAddress):\(config.httpPort)"
        let ackLinks = AckLinks(baseURL: baseURL, signer: signer, lifetime: s.linkLifetime ?? fileAck?.linkLifetime ?? .hours(24))
        var bootstrap: PagingSettings.Bootstrap?
        if let file = s.file, let fileConfig = s.fileConfig, s.applyOnStart != .never {
            bootstrap = .init(config: fileConfig, source: .init(path: file, bytes: s.fileBytes), mode: s.applyOnStart == .always ? .always : .ifEmpty)
        }
        let settings = PagingSettings(instanceName: s.instance ?? PagingSettings.defaultInstanceName, lease: s.lease, sweepInterval: s.sweepInterval,
                                      maxParallelSends: s.maxParallelSends, maxIncidentAge: s.maxIncidentAge, ackLinks: ackLinks, bootstrap: bootstrap)
        let engine = PagingEngine(client: client, settings: settings, clock: clock, logger: pagingLogger)
        let tokenSecret = try s.apiTokens.map { try $0.load() } ?? StateSecret.loadOrCreate(stateDirectory: config.stateDirectory, name: "api-token")
        let ack = AckEndpoints(signer: signer, repository: IncidentRepository(client: client, clock: clock, logger: pagingLogger), engine: engine,
                               apiTokens: StateSecret.tokens(tokenSecret), clock: clock, logger: pagingLogger)
        logger.info("paging", metadata: ["instance": "\(settings.instanceName)", "ack_base_url": "\(baseURL)",
                                         "oncall_file": "\(s.file ?? "-")", "apply_on_start": "\(s.applyOnStart.rawValue)"])
        return PagingServices(services: [.init(service: engine)], engine: engine, ack: ack)
    }
}
