import ArgumentParser

@main
struct Vigil: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vigil",
        abstract: "SOC alert correlation: syslog/JSON/CEF in, per-customer playbooks, incidents in PostgreSQL, on-call pages out.",
        version: "0.1.0",
        subcommands: [
            ServeCommand.self,
            ReloadCommand.self,
            RulesCommand.self,
            EvalCommand.self,
            ExplainCommand.self,
            MigrateCommand.self,
            IncidentsCommand.self,
            ReportCommand.self,
            OnCallCommand.self,
            DoctorCommand.self,
            BenchCommand.self,
        ]
    )
}
