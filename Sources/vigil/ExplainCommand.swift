import ArgumentParser
import Foundation
import VigilDetection
import VigilEvents

/// `vigil explain`: why a rule did or didn't match one event, down to the selection and modifier.
struct ExplainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Explain why a rule does or does not match an event.",
        discussion: "Prints a tree: the logsource conditions, each selection and field test with the value it saw, exclusions and time limits, each marked ✓ or ✗."
    )

    @Option(name: .long, help: "A Sigma rule file, a directory of rules, or a rules tree.")
    var rules: String

    @Option(name: .long, help: "The rule id or name.")
    var rule: String

    @Option(name: .long, help: "The event as one JSON object (an ECS document or a Vigil event line); @FILE reads it from a file.")
    var event: String

    @Option(name: .long, help: "Explain as this customer's playbook runs the rule (default: every rule enabled).")
    var customer: String?

    @Option(name: .long, help: "A logsource map (logsources.yml) when --rules is not a rules tree.")
    var logsources: String?

    func run() async throws {
        var text = event
        if event.hasPrefix("@") {
            guard let data = FileManager.default.contents(atPath: String(event.dropFirst())) else {
                throw ValidationError("cannot read \(event.dropFirst())")
            }
            text = String(decoding: data, as: UTF8.self)
        }
        let customerID = customer.map { CustomerID($0) } ?? RuleLoadOptions.evalCustomer
        let set: RuleSet
        do {
            set = try RuleLoader.load(root: rules, options: RuleLoadOptions(defaultCustomer: customer == nil ? RuleLoadOptions.evalCustomer : nil,
                                                                           logsourceMapPath: logsources))
        } catch {
            for d in error.diagnostics where d.severity == .error { print(d) }
            throw ExitCode(1)
        }
        let parsed: Event
        do {
            parsed = try JSONEventDecoder.decode(text.trimmingCharacters(in: .whitespacesAndNewlines), sequence: 0, customer: customerID,
                                                 fallbackTime: .epoch)
        } catch {
            throw ValidationError("--event: \(error)")
        }
        do {
            let node = try RuleExplainer.explain(ruleSet: set, rule: rule, event: parsed)
            print(node.rendered(), terminator: "")
        } catch {
            throw ValidationError(error.description)
        }
    }
}
