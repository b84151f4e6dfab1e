import VigilDetection
import VigilEvents

/// A synthetic but realistic corpus: a logsource map, N library rules (detections and correlations), customer
/// playbooks, and a mixed event stream in which a few percent of events match a rule.
struct DetectionCorpus {
    struct SplitMix64: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let services = (0..<20).map { "svc\($0)" }

    static var logsources: String {
        var s = "logsources:\n  - product: linux\n"
        for svc in services { s += "  - product: linux\n    service: \(svc)\n    conditions:\n      process.name: \(svc)\n" }
        return s
    }

    /// Rule `i` of the library; one in ten is a correlation over the detection before it.
    static func rule(_ i: Int) -> String {
        let svc = services[i % services.count]
        let head = "title: Rule \(i)\nid: rule-\(i)\nname: rule_\(i)\nlevel: medium\ntags: [bench.group\(i % 5)]\n"
        let ls = "logsource:\n    product: linux\n    service: \(svc)\n"
        switch i % 10 {
        case 0, 1, 2, 3:
            return head + ls + "detection:\n    sel:\n        event.action: act\(i % 400)\n        user.name|startswith: u\(i % 13)\n    filter:\n        user.name: u99\n    condition: sel and not filter\n"
        case 4:
            return head + ls + "detection:\n    sel:\n        process.command_line|contains:\n            - 'tok\(i)a'\n            - 'tok\(i)b'\n            - '--opt\(i)'\n    condition: sel\n"
        case 5:
            return head + ls + "detection:\n    keywords:\n        - 'kw\(i)x'\n        - 'kw\(i)y'\n    condition: keywords\n"
        case 6:
            return head + ls + "detection:\n    sel:\n        event.outcome: failure\n        source.ip|cidr: 10.\(i % 200).0.0/16\n        event.action: act\(i % 400)\n    condition: sel\n"
        case 7:
            return head + ls + "detection:\n    sel:\n        event.action: act\(i % 400)\n        process.command_line|re: '^/usr/bin/[a-z]+ -x\(i % 50)'\n    condition: sel\n"
        case 8:
            return head + ls + "detection:\n    sel:\n        process.name: \(svc)\n        event.action|endswith: '_\(i % 61)'\n        host.name|startswith: 'h'\n    condition: sel\n"
        default:
            return "title: Correlation \(i)\nid: rule-\(i)\nname: rule_\(i)\nlevel: high\ntags: [bench.group\(i % 5)]\ncorrelation:\n    type: event_count\n    rules: [rule_\(i - 9)]\n    group-by: [source.ip]\n    timespan: 5m\n    condition:\n        gte: 5\n"
        }
    }

    static func sources(rules count: Int, customers: Int) -> RuleSources {
        var files: [RuleSources.File] = []
        for i in 0..<count {
            files.append(RuleSources.File(path: "rules/library/r\(i).yml", relativePath: "library/r\(i).yml", text: rule(i)))
        }
        var playbooks: [RuleSources.File] = []
        for c in 0..<customers {
            // Every customer enables four of the five tag groups, so programs differ.
            let groups = (0..<5).filter { $0 != c % 5 }.map { "    - {tag: bench.group\($0)}" }.joined(separator: "\n")
            let text = "id: c\(c)\nname: Customer \(c)\ntimezone: Europe/Berlin\nenable:\n\(groups)\nrules:\n    rule_9:\n        threshold: \(3 + c % 4)\n"
            playbooks.append(RuleSources.File(path: "rules/customers/c\(c).yml", relativePath: "customers/c\(c).yml", text: text))
        }
        return RuleSources(rules: files, playbooks: playbooks, logsources: .init(path: "rules/logsources.yml", text: logsources), root: "rules")
    }

    /// A mixed stream: 20 programs, ~12 fields each, messages of 60–120 characters; a few percent match.
    static func events(count: Int, customers: Int, seed: UInt64 = 1, matchPercent: Int = 3) -> [Event] {
        var rng = SplitMix64(state: seed)
        let base = Timestamp(rfc3339: "2026-11-02T00:00:00Z")!
        let words = ["connect", "session", "opened", "closed", "for", "user", "from", "port", "request", "GET", "/index.html", "ok", "retry",
                     "timeout", "disk", "usage", "backup", "job", "started", "finished", "kernel:", "eth0", "link", "up", "cron"]
        var out: [Event] = []
        out.reserveCapacity(count)
        for n in 0..<count {
            let svc = services[Int.random(in: 0..<services.count, using: &rng)]
            let matchy = Int.random(in: 0..<1000, using: &rng) < matchPercent * 10
            let i = Int.random(in: 0..<1000, using: &rng)
            var msg = ""
            for _ in 0..<Int.random(in: 10...18, using: &rng) { msg += words[Int.random(in: 0..<words.count, using: &rng)] + " " }
            if matchy && i % 10 == 5 { msg += "kw\(i)x" }
            var cmd = "/usr/bin/\(["ls", "cat", "curl", "python3", "bash"][Int.random(in: 0..<5, using: &rng)]) -v /var/tmp/file\(n % 97)"
            if matchy && i % 10 == 4 { cmd += " tok\(i)a" }
            let action = matchy ? "act\(i % 400)" : "act\(400 + Int.random(in: 0..<600, using: &rng))_\(Int.random(in: 0..<(matchPercent >= 3 ? 70 : 7000), using: &rng))"
            var f = Fields(minimumCapacity: 14)
            f.append("host.name", .string("h\(Int.random(in: 0..<500, using: &rng))"))
            f.append("process.name", .string(svc))
            f.append("process.pid", .int(Int64(Int.random(in: 100..<60000, using: &rng))))
            f.append("user.name", .string("u\(Int.random(in: 0..<40, using: &rng))"))
            f.append("source.ip", .string("10.\(Int.random(in: 0..<200, using: &rng)).\(Int.random(in: 0..<256, using: &rng)).\(Int.random(in: 1..<255, using: &rng))"))
            f.append("source.port", .int(Int64(Int.random(in: 1024..<65535, using: &rng))))
            f.append("event.action", .string(action))
            f.append("event.outcome", .string(Bool.random(using: &rng) ? "success" : "failure"))
            f.append("event.category", .string("process"))
            f.append("process.command_line", .string(cmd))
            f.append("log.syslog.facility.name", .string("authpriv"))
            f.append("log.syslog.severity.name", .string("info"))
            let t = base + .milliseconds(Int64(n) * 2)
            out.append(Event(sequence: UInt64(n), customer: CustomerID("c\(Int.random(in: 0..<customers, using: &rng))"), eventTime: t,
                             receivedTime: t, format: .rfc5424, message: msg, fields: f))
        }
        return out
    }

    /// The correlation benchmarks' stream: login events 1 ms apart from `start`, source addresses `10.x.y.z`; the
    /// first `keys` events create every key in order, the rest pick keys at random.
    static func loginUpdates(count: Int, keys: Int, start: Timestamp, using rng: inout SplitMix64) -> [Event] {
        (0..<count).map { i in
            let k = i < keys ? i : Int.random(in: 0..<keys, using: &rng)
            var f = Fields(minimumCapacity: 2)
            f.append("event.action", "login")
            f.append("source.ip", .string("10.\(k / 65536).\(k / 256 % 256).\(k % 256)"))
            let t = start + .nanoseconds(Int64(i) * 1_000_000)
            return Event(sequence: UInt64(i), customer: "default", eventTime: t, receivedTime: t, format: .json, fields: f)
        }
    }

    /// The correlation benchmarks' rules: `login` events counted per `source.ip` over `timespan`, with a threshold
    /// no group reaches (updates never fire), for a default customer.
    static func countingRules(timespan: String) -> RuleSet {
        let base = "title: b\nname: b\nlogsource: {product: test}\ndetection:\n    sel:\n        event.action: login\n    condition: sel\n"
        let corr = "title: c\nid: c\ncorrelation:\n    type: event_count\n    rules: [b]\n    group-by: [source.ip]\n    timespan: \(timespan)\n    condition: {gte: 1000000}\n"
        return try! RuleLoader.load(sources: RuleSources(rules: [.init(path: "b.yml", text: base), .init(path: "c.yml", text: corr)]),
                                    options: RuleLoadOptions(defaultCustomer: "default"))
    }
}
