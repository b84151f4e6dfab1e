import Logging
import ServiceLifecycle

/// Tells systemd when Vigil is ready (listeners bound, database migrated), pings the watchdog while the
/// health checks pass, and says STOPPING=1 on shutdown.
final class SystemdService: Service {
    private let notifier: SystemdNotifier
    private let readiness: Readiness
    private let metrics: DaemonMetrics
    private let logger: Logger

    init(notifier: SystemdNotifier, readiness: Readiness, metrics: DaemonMetrics = DaemonMetrics(), logger: Logger) {
        self.notifier = notifier
        self.readiness = readiness
        self.metrics = metrics
        self.logger = logger
    }

    func run() async throws {
        await withGracefulShutdownHandler {
            while !Task.isCancelled, !readiness.status.ready {
                try? await Task.sleep(for: .milliseconds(20))
            }
            guard !Task.isCancelled else { return }
            notifier.ready(status: readiness.status.detail)
            logger.info("ready", metadata: ["status": "\(readiness.status.detail)"])
            guard let interval = notifier.watchdogInterval else {
                metrics.watchdogInterval.record(0)
                try? await gracefulShutdown()
                return
            }
            let (seconds, attoseconds) = interval.components
            metrics.watchdogInterval.record(Double(seconds) + Double(attoseconds) / 1e18)
            while !Task.isCancelled {
                // Only a daemon whose listeners are up may pet the watchdog.
                if readiness.status.detail.contains("listeners=bound") {
                    notifier.watchdog()
                    metrics.watchdogPings.increment()
                }
                try? await Task.sleep(for: interval)
            }
        } onGracefulShutdown: {
            self.notifier.stopping()
            self.readiness.setStopping()
        }
    }
}
