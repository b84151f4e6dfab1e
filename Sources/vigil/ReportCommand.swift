import ArgumentParser
import Foundation
import VigilEvents
import VigilStore

struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Management figures: open incidents by priority and age, MTTA, MTTR, % within target, incidents by hour, rule Pareto."
    )

    @OptionGroup var options: StoreCommandOptions

    @Option(name: .long, help: "Only this customer.")
    var customer: String?

    @Option(name: .long, help: "Start of the period (YYYY-MM-DD or RFC 3339); default 30 days ago.")
    var from: String?

    @Option(name: .long, help: "End of the period, exclusive (YYYY-MM-DD or RFC 3339); default now.")
    var to: String?

    @Flag(name: .long, help: "Print JSON.")
    var json = false

    func run() async throws {
        let now = Timestamp(seconds: SystemClock().now.seconds)
        let to = try self.to.map(Self.parseTime) ?? now
        let from = try self.from.map(Self.parseTime) ?? (to - .days(30))
        guard from < to else { throw ValidationError("--from must be before --to") }
        let query = IncidentReport.Query(customer: customer.map { CustomerID($0) }, from: from, to: to, now: now)
        let report = try await options.withRepository { try await $0.report(query) }
        print(json ? report.json : report.text, terminator: json ? "\n" : "")
    }

    static func parseTime(_ text: String) throws -> Timestamp {
        if let t = Timestamp(rfc3339: text) { return t }
        let parts = text.split(separator: "-").compactMap { Int($0) }
        if parts.count == 3 {
            let civil = CivilDateTime(year: parts[0], month: parts[1], day: parts[2])
            if civil.isValid { return civil.timestamp() }
        }
        throw ValidationError("'\(text)' is not a date (YYYY-MM-DD) or an RFC 3339 time")
    }
}
