import VigilEvents

/// Compares two configurations object by object, as `vigil oncall apply` shows and audits them.
///
/// Objects are matched by id (routes by position); a changed object lists each changed field as
/// `path: old → new` in the YAML's own words, so the diff reads like the file.
public enum OnCallConfigDiff {
    /// At most this many detail lines per object; the rest is summarised.
    public static let detailLimit = 25

    public static func changes(from old: OnCallConfig?, to new: OnCallConfig) -> [OnCallConfigChange] {
        var out: [OnCallConfigChange] = []
        func section<T>(_ type: String, _ a: [T], _ b: [T], id: (T) -> String, json: (T) -> JSONValue, customer: (T) -> CustomerID? = { _ in nil }) {
            let before = Dictionary(a.map { (id($0), $0) }, uniquingKeysWith: { x, _ in x })
            let after = Dictionary(b.map { (id($0), $0) }, uniquingKeysWith: { x, _ in x })
            for item in b {
                let key = id(item)
                let newJSON = json(item)
                if let previous = before[key] {
                    let oldJSON = json(previous)
                    if oldJSON != newJSON {
                        out.append(OnCallConfigChange(objectType: type, objectID: key, action: .changed, customer: customer(item),
                                                      details: details(oldJSON, newJSON), before: oldJSON, after: newJSON))
                    }
                } else {
                    out.append(OnCallConfigChange(objectType: type, objectID: key, action: .created, customer: customer(item), after: newJSON))
                }
            }
            for item in a where after[id(item)] == nil {
                out.append(OnCallConfigChange(objectType: type, objectID: id(item), action: .removed, customer: customer(item), before: json(item)))
            }
        }
        let o = old ?? OnCallConfig()
        section("person", o.people, new.people, id: \.id, json: OnCallJSON.person)
        section("channel", o.channels, new.channels, id: \.id, json: OnCallJSON.channel)
        section("rotation", o.rotations, new.rotations, id: \.id, json: OnCallJSON.rotation)
        section("schedule", o.schedules, new.schedules, id: \.id, json: { OnCallJSON.schedule($0) })
        section("policy", o.policies, new.policies, id: \.id, json: OnCallJSON.policy)
        section("customer", o.customers, new.customers, id: \.id.rawValue, json: OnCallJSON.customer, customer: \.id)
        let oldRoutes = o.routes.enumerated().map { ($0.offset + 1, $0.element) }
        let newRoutes = new.routes.enumerated().map { ($0.offset + 1, $0.element) }
        section("route", oldRoutes, newRoutes, id: { String($0.0) }, json: { OnCallJSON.route($0.1) })
        let settings = { (c: OnCallConfig) -> JSONValue in
            .object(["default_policy": c.defaultPolicy.map(JSONValue.string) ?? .null, "providers": OnCallJSON.providers(c.providers)])
        }
        section("settings", old.map { [settings($0)] } ?? [], [settings(new)], id: { _ in "settings" }, json: { $0 })
        return out
    }

    /// `path: old → new` for every leaf that differs.
    static func details(_ a: JSONValue, _ b: JSONValue) -> [String] {
        let before = Dictionary(a.flattened().map { ($0.path, $0.value) }, uniquingKeysWith: { x, _ in x })
        let after = Dictionary(b.flattened().map { ($0.path, $0.value) }, uniquingKeysWith: { x, _ in x })
        var lines: [String] = []
        for path in Set(before.keys).union(after.keys).sorted(by: pathOrder) {
            switch (before[path], after[path]) {
            case (let x?, let y?) where x != y: lines.append("\(path): \(x) → \(y)")
            case (nil, let y?): lines.append("\(path): + \(y)")
            case (let x?, nil): lines.append("\(path): - \(x)")
            default: break
            }
        }
        if lines.count > detailLimit {
            let rest = lines.count - detailLimit
            lines = Array(lines.prefix(detailLimit)) + ["… and \(rest) more"]
        }
        return lines
    }

    /// Orders `steps[2]` before `steps[10]`.
    static func pathOrder(_ a: String, _ b: String) -> Bool {
        func parts(_ s: String) -> [(String, Int)] {
            s.split(whereSeparator: { $0 == "." || $0 == "[" }).map { p in
                p.hasSuffix("]") ? ("", Int(p.dropLast()) ?? 0) : (String(p), -1)
            }
        }
        let x = parts(a), y = parts(b)
        for (l, r) in zip(x, y) where l != r {
            return l.0 != r.0 ? l.0 < r.0 : l.1 < r.1
        }
        return x.count < y.count
    }
}
