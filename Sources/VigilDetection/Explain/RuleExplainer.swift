import VigilEvents

/// Why a rule did or did not match an event, down to the selection and modifier that decided it.
public enum RuleExplainer {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Explains `rule` (id or name) for `event`, as the event's customer (or the only customer) runs it.
    public static func explain(ruleSet: RuleSet, rule: String, event: Event) throws(Failure) -> ExplainNode {
        guard let program = ruleSet.programs[event.customer] ?? (ruleSet.programs.count == 1 ? ruleSet.programs.values.first : nil) else {
            throw Failure(description: "customer '\(event.customer)' has no playbook; known: \(ruleSet.customers.map(\.rawValue).joined(separator: ", "))")
        }
        guard let definition = ruleSet.rule(rule) else {
            throw Failure(description: "no rule with id or name '\(rule)'")
        }
        var children: [ExplainNode] = []
        for ex in program.globalExclusions {
            let node = ex.matcher.explain(event, label: "monitoring exclusion '\(ex.name)' (approved by \(ex.approver) on \(ex.date))")
            children.append(ExplainNode(label: "not " + node.label, result: !node.result, children: node.children))
        }
        let excluded = children.contains { !$0.result }
        if let d = program.detections.first(where: { $0.key == definition.id }) {
            var node = d.explain(event)
            if !d.emits && d.consumers.isEmpty {
                node.children.append(ExplainNode(label: "the rule neither produces hits nor feeds a correlation for \(program.customer)", result: false))
            } else if !d.emits {
                node.children.append(ExplainNode(label: "the rule only feeds correlations (\(d.consumers.map { program.correlations[$0.0].key }.joined(separator: ", "))); it gives no hit of its own", result: true))
            }
            children.append(node)
            return ExplainNode(label: "\(definition.id) for customer \(program.customer): \(node.result && !excluded ? "MATCH" : "NO MATCH")",
                               result: node.result && !excluded, children: children)
        }
        if let c = program.correlations.first(where: { $0.key == definition.id }) {
            var inputs: [ExplainNode] = []
            for input in c.inputs {
                switch input.source {
                case .detection(let i):
                    var node = program.detections[i].explain(event)
                    let groups = input.groupFields.map { f in "\(f) = \(event.value(at: f).flatMap { DetectionEngine.text($0) } ?? "missing")" }
                    if !groups.isEmpty {
                        node.children.append(ExplainNode(label: "group-by " + groups.joined(separator: ", "),
                                                         result: !groups.contains { $0.hasSuffix("= missing") }))
                    }
                    inputs.append(node)
                case .correlation(let j):
                    inputs.append(ExplainNode(label: "correlation \(program.correlations[j].key) (its hits feed this one)", result: false))
                }
            }
            let any = inputs.contains { $0.result }
            let label = "\(definition.id) is a \(c.kind.name) correlation over \(c.timespan) (condition \(c.condition)); one event can only feed it: \(any && !excluded ? "this event counts" : "this event does not count")"
            return ExplainNode(label: label, result: any && !excluded, children: children + inputs)
        }
        throw Failure(description: "rule '\(definition.id)' is not enabled for customer \(program.customer)")
    }
}
