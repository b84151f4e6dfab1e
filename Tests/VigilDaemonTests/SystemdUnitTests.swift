import Foundation
import Testing

/// systemd/vigil.service verifies and keeps its hardening score at 2.0 or lower.
@Suite struct SystemdUnitTests {
    /// The unit with ExecStart pointing at the binary under test (verify checks that it exists).
    func unitUnderTest() throws -> String {
        let unit = try String(contentsOf: SenderTools.packageRoot.appendingPathComponent("systemd/vigil.service"), encoding: .utf8)
        let dir = try temporaryDirectory("vigil-unit")
        let path = dir.appendingPathComponent("vigil.service").path
        try unit.replacingOccurrences(of: "/usr/local/bin/vigil", with: VigilProcess.binary).write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func unitVerifies() async throws {
        let result = try await run("/usr/bin/systemd-analyze", ["verify", try unitUnderTest()])
        #expect(result.status == 0)
        #expect(result.output.isEmpty, "\(result.output)")
    }

    @Test func securityExposureIsAtMostTwo() async throws {
        let result = try await run("/usr/bin/systemd-analyze", ["security", "--offline=true", "--no-pager", try unitUnderTest()])
        let line = result.output.split(separator: "\n").first { $0.contains("Overall exposure level") } ?? ""
        let score = line.split(separator: ":").last?.split(separator: " ").first.flatMap { Double($0) }
        #expect(score != nil, "\(result.output)")
        #expect((score ?? 10) <= 2.0, "\(line)")
    }
}
