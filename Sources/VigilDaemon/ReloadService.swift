import Logging
import ServiceLifecycle
import UnixSignals

/// Reloads the configuration on SIGHUP (and on request); a bad file keeps the running configuration.
final class ReloadService: Service {
    private let reload: @Sendable (String) async -> Void
    private let logger: Logger
    private let readiness: Readiness

    init(logger: Logger, readiness: Readiness, reload: @escaping @Sendable (String) async -> Void) {
        self.logger = logger
        self.readiness = readiness
        self.reload = reload
    }

    func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sighup)
        readiness.setReloadArmed()
        for await _ in signals.cancelOnGracefulShutdown() {
            logger.info("SIGHUP received, reloading")
            await reload("SIGHUP")
        }
    }
}
