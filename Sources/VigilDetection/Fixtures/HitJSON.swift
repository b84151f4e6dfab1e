import VigilEvents

/// The JSON line `vigil eval` prints per hit (and `vigil rules test` compares).
///
/// Keys, in order: `rule_id`, `rule_name` (when set), `rule_title`, `level`, `customer`, `event_indexes`, `group`,
/// `first_time`, `last_time`, `count`, `summary`, `severity_override` (when a playbook set one).
public enum HitJSON {
    public static func line(_ hit: Hit, ruleName: String? = nil) -> String {
        var w = JSONWriter(capacity: 512)
        w.raw("{\"rule_id\":")
        w.quoted(hit.ruleID)
        if let ruleName, ruleName != hit.ruleID {
            w.raw(",\"rule_name\":")
            w.quoted(ruleName)
        }
        w.raw(",\"rule_title\":")
        w.quoted(hit.ruleTitle)
        w.raw(",\"level\":")
        w.quoted(hit.level.rawValue)
        w.raw(",\"customer\":")
        w.quoted(hit.customer.rawValue)
        w.raw(",\"event_indexes\":[")
        for (i, s) in hit.eventSequences.enumerated() {
            if i > 0 { w.raw(",") }
            w.raw(String(s))
        }
        w.raw("],\"group\":")
        w.object(hit.group.map { ($0.field, FieldValue.string($0.value)) })
        w.raw(",\"first_time\":")
        w.quoted(hit.firstTime.rfc3339)
        w.raw(",\"last_time\":")
        w.quoted(hit.lastTime.rfc3339)
        w.raw(",\"count\":")
        w.raw(String(hit.count))
        w.raw(",\"summary\":")
        w.quoted(hit.summary)
        if let o = hit.severityOverride {
            w.raw(",\"severity_override\":{\"level\":")
            w.quoted(o.level.rawValue)
            w.raw(",\"requested_by\":")
            w.quoted(o.requestedBy)
            w.raw(",\"reason\":")
            w.quoted(o.reason)
            w.raw("}")
        }
        w.raw("}")
        return w.string
    }
}
