import VigilDetection
import VigilEvents

/// Every customer has an escalation policy with somebody on call now and for the next days (`--days`), read from the
/// on-call file the configuration names; no database needed.
struct OnCallCheck: DoctorCheck {
    let name = "oncall"

    func run(_ context: DoctorContext) async -> [DoctorFinding] {
        let config = context.configuration
        guard config.database != nil else { return [.ok(name, "on-call: paging is off (database: none)")] }
        guard config.onCall.enabled else { return [.ok(name, "on-call: paging is off (oncall.enabled: false)")] }
        guard let file = config.onCall.file, let onCall = config.onCall.fileConfig else {
            return [.warn(name, "on-call: the configuration names no on-call file; pages follow what `vigil oncall apply` stored, if anything",
                          fix: "add `oncall: oncall.yml` to \(config.path) so the coverage can be checked here")]
        }
        var playbooks: [CustomerID: ZoneRules]?
        if case .success(let set) = context.rules {
            playbooks = set.playbooks.mapValues(\.timeZone)
        }
        let now = context.clock.now
        let coverage = OnCallCoverage(config: onCall, file: file, playbookCustomers: playbooks)
        return coverage.findings(from: now, to: now + .days(Int64(context.options.onCallDays)))
    }
}
