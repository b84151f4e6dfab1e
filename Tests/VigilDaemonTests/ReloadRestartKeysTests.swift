import Testing
@testable import VigilDaemon

/// A reload names the settings it read but can only apply at the next restart.
@Suite struct ReloadRestartKeysTests {
    static let base = VigilConfiguration(path: "/etc/vigil/vigil.yml", stateDirectory: "/var/lib/vigil", rulesDirectory: "/etc/vigil/rules")

    @Test func listenersAndLimitsApplyLive() {
        var next = Self.base
        next.listeners = []
        next.limits.maxConnections = 7
        #expect(VigilDaemon.keysNeedingRestart(from: Self.base, to: next).isEmpty)
    }

    @Test func theSameFileLoadedTwiceNeedsNoRestart() throws {
        let path = SenderTools.deploy.appendingPathComponent("vigil.yml").path
        let first = try VigilConfiguration.load(path: path), second = try VigilConfiguration.load(path: path)
        #expect(VigilDaemon.keysNeedingRestart(from: first, to: second).isEmpty)
    }

    @Test func everyOtherChangedSectionIsNamed() {
        var next = Self.base
        next.httpPort = 9999
        next.database = nil
        next.incidents.batchSize = 17
        next.logLevel = "debug"
        #expect(VigilDaemon.keysNeedingRestart(from: Self.base, to: next) == ["database", "incidents", "http", "log"])
    }
}
