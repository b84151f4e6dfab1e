import Foundation
import VigilOnCall
import VigilStore

/// Files the daemon reads are readable (rules tree, extractors, TLS files, on-call file, secret files), and the
/// state directory is writable or can be created.
struct FilesCheck: DoctorCheck {
    let name = "files"

    func run(_ context: DoctorContext) async -> [DoctorFinding] {
        let config = context.configuration
        let probes = context.probes
        var problems: [DoctorFinding] = []
        var readable: [String] = []

        func file(_ path: String, _ what: String, effect: String? = nil) {
            guard var problem = fileProblem(path, what, probes) else { return readable.append(what) }
            if let effect { problem.message += " (\(effect))" }
            problems.append(problem)
        }
        /// `effect`: what happens without it, for secrets the daemon can start without.
        func secret(_ reference: SecretReference, _ what: String, effect: String? = nil) {
            switch reference {
            case .file(let path): file(path, what, effect: effect)
            case .environment(let variable):
                if probes.environment[variable] == nil {
                    problems.append(.warn(name, "\(what) comes from environment variable \(variable), which is not set here" + (effect.map { " (\($0))" } ?? ""),
                                          fix: "make sure the service's environment sets it (systemd: Environment= or EnvironmentFile=)"))
                } else {
                    readable.append(what)
                }
            }
        }

        // The rules tree and every file in it.
        let rules = probes.pathStatus(config.rulesDirectory)
        if !rules.exists {
            problems.append(.fail(name, "rules directory \(config.rulesDirectory) does not exist",
                                  fix: "set rules: to the rules tree (library/, customers/, extractors/)"))
        } else if !rules.isDirectory || !rules.readable {
            problems.append(.fail(name, "rules directory \(config.rulesDirectory) is \(rules.isDirectory ? "not readable" : "not a directory")",
                                  fix: "point rules: at a readable directory"))
        } else {
            let files = (FileManager.default.enumerator(atPath: config.rulesDirectory)?.allObjects as? [String] ?? [])
                .filter { $0.hasSuffix(".yml") || $0.hasSuffix(".yaml") }.sorted()
            for relative in files { file(config.rulesDirectory + "/" + relative, "rule file") }
            let extractors = probes.pathStatus(config.rulesDirectory + "/extractors")
            if !extractors.exists {
                problems.append(.warn(name, "no extractors directory \(config.rulesDirectory)/extractors: syslog messages get no extracted fields",
                                      fix: "add rules/extractors/ (the example rules tree has one)"))
            }
        }
        for listener in config.listeners {
            guard let tls = listener.tls else { continue }
            file(tls.certificatePath, "tls certificate")
            file(tls.keyPath, "tls key")
            if let ca = tls.clientCAPath { file(ca, "tls client CA") }
        }
        if let path = config.onCall.file { file(path, "on-call file") }
        let paging = config.database != nil && config.onCall.enabled
        // The daemon does not start when these are configured but cannot be loaded.
        if paging, let reference = config.onCall.secret ?? config.onCall.fileConfig?.providers.ack?.secret {
            let before = problems.count
            secret(reference, "acknowledgement secret", effect: "Vigil does not start without it")
            if problems.count == before, let value = try? reference.load(environment: probes.environment), (try? AckLinkSigner(secret: value)) == nil {
                problems.append(.fail(name, "acknowledgement secret (\(reference)) is shorter than 32 bytes", fix: "use at least 32 random bytes"))
            }
        }
        if paging, let reference = config.onCall.apiTokens { secret(reference, "API tokens", effect: "Vigil does not start without them") }
        if case .server(let server) = config.database?.source {
            if let path = server.passwordFile { file(path, "database password file") }
            if let variable = server.passwordEnvironment { secret(.environment(variable), "database password") }
            if let path = server.caFile { file(path, "database CA file") }
        }
        if paging, let providers = config.onCall.fileConfig?.providers {
            if let s = providers.webhook.signingSecret { secret(s, "webhook signing secret", effect: "without it webhook pages stay off") }
            if let t = providers.telegram { secret(t.botToken, "telegram bot token", effect: "without it telegram pages stay off") }
            if let t = providers.twilio { secret(t.authToken, "twilio auth token", effect: "without it SMS and voice pages stay off") }
            if let p = providers.smtp?.password { secret(p, "smtp password", effect: "without it email pages stay off") }
        }
        let state = stateDirectoryFinding(config.stateDirectory, probes)
        if state.status != .ok { problems.append(state) }

        if problems.contains(where: { $0.status == .fail }) { return problems }
        let counts = Dictionary(grouping: readable, by: { $0 }).map { $0.value.count == 1 ? $0.key : "\($0.value.count) \($0.key)s" }
        let list = counts.sorted().joined(separator: ", ")
        return problems + [.ok(name, "files: \(list.isEmpty ? "nothing to read" : list) readable; \(state.message)")]
    }

    private func fileProblem(_ path: String, _ what: String, _ probes: any DoctorProbes) -> DoctorFinding? {
        let status = probes.pathStatus(path)
        if !status.exists {
            return .fail(name, "\(what) \(path) does not exist", fix: "create it or correct the path in the configuration")
        }
        if status.isDirectory { return .fail(name, "\(what) \(path) is a directory, not a file", fix: "correct the path in the configuration") }
        if !status.readable {
            return .fail(name, "\(what) \(path) is not readable by this user", fix: "make it readable by the user Vigil runs as")
        }
        return nil
    }

    /// Writable, or missing below a writable ancestor (Vigil creates it).
    private func stateDirectoryFinding(_ path: String, _ probes: any DoctorProbes) -> DoctorFinding {
        let status = probes.pathStatus(path)
        if status.exists {
            guard status.isDirectory else { return .fail(name, "state_dir \(path) is not a directory", fix: "point state_dir: at a directory") }
            guard status.writable else {
                return .fail(name, "state_dir \(path) is not writable by this user",
                             fix: "give it to the user Vigil runs as (systemd: StateDirectory=vigil)")
            }
            return .ok(name, "state_dir \(path) writable")
        }
        var ancestor = URL(fileURLWithPath: path).deletingLastPathComponent().path
        while ancestor != "/", !probes.pathStatus(ancestor).exists {
            ancestor = URL(fileURLWithPath: ancestor).deletingLastPathComponent().path
        }
        guard probes.pathStatus(ancestor).writable else {
            return .fail(name, "state_dir \(path) does not exist and cannot be created (\(ancestor) is not writable)",
                         fix: "create it for the user Vigil runs as (systemd: StateDirectory=vigil)")
        }
        return .ok(name, "state_dir \(path) will be created")
    }
}
