/// Everything `vigil doctor` found, in check order.
public struct DoctorReport: Sendable, Hashable {
    public var findings: [DoctorFinding]

    public init(findings: [DoctorFinding] = []) {
        self.findings = findings
    }

    /// True when any check failed (warnings do not count).
    public var failed: Bool { findings.contains { $0.status == .fail } }

    /// 0 when nothing failed, 1 otherwise.
    public var exitCode: Int32 { failed ? 1 : 0 }

    /// The findings of one check.
    public func findings(of check: String) -> [DoctorFinding] { findings.filter { $0.check == check } }

    /// One text line per finding.
    public var text: String { findings.map(\.line).joined(separator: "\n") }

    /// One JSON object per line, per finding.
    public var jsonLines: String { findings.map(\.json).joined(separator: "\n") }

    /// `3 ok, 1 warning, 0 failed`.
    public var summary: String {
        let warnings = findings.count { $0.status == .warn }
        let failures = findings.count { $0.status == .fail }
        return "\(findings.count { $0.status == .ok }) ok, \(warnings) warning\(warnings == 1 ? "" : "s"), \(failures) failed"
    }
}
