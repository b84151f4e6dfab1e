import Foundation

/// The text of a rules tree, read into memory; tests build one directly, `RuleLoader` reads it from disk.
public struct RuleSources: Sendable {
    public struct File: Sendable {
        /// The path diagnostics show.
        public var path: String
        /// Relative to the rules root, for playbook path globs (`library/linux/ssh.yml`).
        public var relativePath: String
        public var text: String

        public init(path: String, relativePath: String? = nil, text: String) {
            self.path = path
            self.relativePath = relativePath ?? path
            self.text = text
        }
    }

    public var rules: [File]
    public var playbooks: [File]
    public var logsources: File?
    /// The root as given, for messages.
    public var root: String

    public init(rules: [File], playbooks: [File] = [], logsources: File? = nil, root: String = "") {
        self.rules = rules
        self.playbooks = playbooks
        self.logsources = logsources
        self.root = root
    }

    /// Reads a rules tree (`library/`, `customers/`, `logsources.yml`), a directory of Sigma rules, or one file.
    public static func read(root: String, logsourceMap: String? = nil) throws(RuleLoadFailure) -> RuleSources {
        let fm = FileManager.default
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: root, isDirectory: &isDir) else {
            throw RuleLoadFailure(diagnostics: [RuleDiagnostic(path: root, line: 0, column: 0, code: "not-found", message: "no such file or directory")])
        }
        var sources = RuleSources(rules: [], root: root)
        func readFile(_ path: String, relative: String) throws(RuleLoadFailure) -> File {
            guard let data = fm.contents(atPath: path) else {
                throw RuleLoadFailure(diagnostics: [RuleDiagnostic(path: path, line: 0, column: 0, code: "unreadable", message: "cannot read the file")])
            }
            guard let text = String(data: data, encoding: .utf8) else {
                throw RuleLoadFailure(diagnostics: [RuleDiagnostic(path: path, line: 1, column: 1, code: "encoding", message: "the file is not UTF-8")])
            }
            return File(path: path, relativePath: relative, text: text)
        }
        if !isDir.boolValue {
            sources.rules = [try readFile(root, relative: (root as NSString).lastPathComponent)]
        } else {
            let base = root.hasSuffix("/") ? String(root.dropLast()) : root
            let isTree = fm.fileExists(atPath: base + "/library") || fm.fileExists(atPath: base + "/customers") || fm.fileExists(atPath: base + "/logsources.yml")
            if isTree {
                for rel in yamlFiles(under: base + "/library") {
                    sources.rules.append(try readFile(base + "/library/" + rel, relative: "library/" + rel))
                }
                let customers = base + "/customers"
                if let names = try? fm.contentsOfDirectory(atPath: customers) {
                    for name in names.sorted() where isYAML(name) {
                        sources.playbooks.append(try readFile(customers + "/" + name, relative: "customers/" + name))
                    }
                }
                if fm.fileExists(atPath: base + "/logsources.yml") {
                    sources.logsources = try readFile(base + "/logsources.yml", relative: "logsources.yml")
                }
            } else {
                for rel in yamlFiles(under: base) {
                    sources.rules.append(try readFile(base + "/" + rel, relative: rel))
                }
            }
        }
        if let logsourceMap {
            sources.logsources = try readFile(logsourceMap, relative: (logsourceMap as NSString).lastPathComponent)
        }
        return sources
    }

    static func isYAML(_ name: String) -> Bool {
        (name.hasSuffix(".yml") || name.hasSuffix(".yaml")) && !name.hasSuffix(".fixtures.yml") && !name.hasPrefix(".")
    }

    /// Rule files below `dir`, relative to it, sorted; fixture manifests are skipped.
    static func yamlFiles(under dir: String) -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: dir) else { return [] }
        var out: [String] = []
        while let rel = enumerator.nextObject() as? String {
            let name = (rel as NSString).lastPathComponent
            if name.hasPrefix(".") { continue }
            if isYAML(name) && name != "logsources.yml" { out.append(rel) }
        }
        return out.sorted()
    }
}
