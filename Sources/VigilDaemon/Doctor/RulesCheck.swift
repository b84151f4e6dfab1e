import Foundation
import VigilDetection
import VigilIngest

/// The rules, playbooks and extractors load the way the daemon loads them (errors as `file:line:col`), and the rule
/// fixtures pass.
struct RulesCheck: DoctorCheck {
    let name = "rules"
    /// At most this many warnings are listed one by one.
    static let warningLines = 5

    func run(_ context: DoctorContext) async -> [DoctorFinding] {
        let directory = context.configuration.rulesDirectory
        let fixHint = "fix it (`vigil rules check --rules \(directory)` lists every problem)"
        var findings: [DoctorFinding] = []
        var extractorCount: Int?
        if FileManager.default.fileExists(atPath: directory + "/extractors") {
            do {
                extractorCount = try ExtractorSet.load(directory: directory + "/extractors").extractors.count
            } catch {
                findings.append(.fail(name, "\(error.file):\(error.line):\(error.column): \(error.message)", fix: "fix the extractor"))
            }
        }
        switch context.rules {
        case .failure(let failure):
            for error in failure.errors {
                findings.append(.fail(name, "\(error.path):\(error.line):\(error.column): \(error.message)", fix: fixHint))
            }
            if failure.errors.isEmpty { findings.append(.fail(name, "rules in \(directory) do not load: \(failure)", fix: fixHint)) }
        case .success(let set):
            for warning in set.diagnostics.prefix(Self.warningLines) {
                findings.append(.warn(name, "\(warning.path):\(warning.line):\(warning.column): \(warning.message)"))
            }
            if set.diagnostics.count > Self.warningLines {
                findings.append(.warn(name, "rules: \(set.diagnostics.count - Self.warningLines) more warnings",
                                      fix: "see `vigil rules check --rules \(directory)`"))
            }
            if !findings.contains(where: { $0.status == .fail }) {
                let correlations = set.rules.filter { $0.kind == .correlation }.count
                findings.append(.ok(name, "rules: \(set.rules.count) rules (\(correlations) correlations), \(set.playbooks.count) playbooks"
                                    + (extractorCount.map { ", \($0) extractors" } ?? "") + " valid"))
            }
            for listener in context.configuration.listeners {
                for customer in listener.binding.customers.subtracting(set.playbooks.keys).sorted() {
                    findings.append(.warn(name, "listener \(listener.name) receives events of customer \(customer), which has no playbook in \(directory)/customers: no rules run for them",
                                          fix: "add \(directory)/customers/\(customer).yml, or correct the customer in the listener"))
                }
            }
            if let fixtures = context.options.fixtures {
                findings.append(fixtureFinding(fixtures(directory), directory: directory))
            }
        }
        return findings
    }

    func fixtureFinding(_ summary: FixtureSummary, directory: String) -> DoctorFinding {
        let fix = "see the diff with `vigil rules test --rules \(directory)`"
        if !summary.errors.isEmpty {
            return .fail(name, "rule fixtures cannot run: \(summary.errors.prefix(3).joined(separator: "; "))", fix: fix)
        }
        if !summary.failed.isEmpty {
            let shown = summary.failed.prefix(3).joined(separator: ", ") + (summary.failed.count > 3 ? ", …" : "")
            return .fail(name, "rule fixtures: \(summary.failed.count) of \(summary.total) failed: \(shown)", fix: fix)
        }
        return .ok(name, "rule fixtures: \(summary.total) passed")
    }
}
