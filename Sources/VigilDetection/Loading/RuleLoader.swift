import VigilEvents

/// Loads and compiles rules: every file is parsed and checked, and any error fails the whole load,
/// so a broken file never replaces a running rule set.
public enum RuleLoader {
    /// `root`: a rules tree (`library/`, `customers/`, `logsources.yml`), a directory of Sigma rules, or one rule file.
    public static func load(root: String, options: RuleLoadOptions = .init()) throws(RuleLoadFailure) -> RuleSet {
        let sources = try RuleSources.read(root: root, logsourceMap: options.logsourceMapPath)
        return try load(sources: sources, options: options)
    }

    /// Loads from text already in memory (tests, embedded rules).
    public static func load(sources: RuleSources, options: RuleLoadOptions = .init()) throws(RuleLoadFailure) -> RuleSet {
        var sink = DiagnosticSink()
        // Logsource map first: rules compile against its field names.
        var logsources = LogsourceMap.empty
        if let file = sources.logsources {
            do {
                logsources = try LogsourceMap.parse(file.text, path: file.path)
            } catch {
                sink.append(error.diagnostic)
            }
        }
        var detections: [DetectionRule] = []
        var correlations: [CorrelationRule] = []
        var filters: [SigmaFilterRule] = []
        for file in sources.rules {
            let docs: [YAMLNode]
            do {
                docs = try YAMLReader.documents(file.text, path: file.path)
            } catch {
                sink.append(error.diagnostic)
                continue
            }
            if docs.isEmpty {
                sink.warning(SourceLocation(path: file.path, line: 1, column: 1), "empty-file", "the file holds no rule")
            }
            for doc in docs {
                var parser = RuleParser(path: file.path, relativePath: file.relativePath, fieldMap: logsources.fields)
                do {
                    // Detection rules compile with their logsource's field names.
                    if doc["detection"] != nil, doc["correlation"] == nil, doc["filter"] == nil, let ls = doc["logsource"] {
                        let spec = try RuleParser.parseLogsource(ls)
                        parser.fieldMap = try logsources.resolve(spec).fields
                    }
                    let parsed = try parser.parse(doc)
                    sink.append(contentsOf: parser.warnings)
                    switch parsed {
                    case .detection(let d):
                        if d.meta.status == "unsupported" {
                            sink.warning(d.meta.location, "unsupported-status", "rule '\(d.meta.id)' has status 'unsupported' and is not loaded")
                            continue
                        }
                        detections.append(d)
                    case .correlation(let c):
                        if c.meta.status == "unsupported" {
                            sink.warning(c.meta.location, "unsupported-status", "rule '\(c.meta.id)' has status 'unsupported' and is not loaded")
                            continue
                        }
                        correlations.append(c)
                    case .filter(let f): filters.append(f)
                    }
                } catch {
                    sink.append(error.diagnostic)
                }
            }
        }
        let catalog = RuleCatalog.build(detections: detections, correlations: correlations, filters: filters, logsources: logsources, sink: &sink)
        // Playbooks.
        var playbooks: [CustomerID: Playbook] = [:]
        for file in sources.playbooks {
            let stem = String((file.path.split(separator: "/").last ?? "").split(separator: ".").first ?? "")
            do {
                let playbook = try PlaybookParser.parse(file.text, path: file.path, expectedID: stem)
                if playbooks[playbook.id] != nil {
                    sink.error(playbook.location, "duplicate-playbook", "a second playbook for customer '\(playbook.id)'")
                    continue
                }
                playbooks[playbook.id] = playbook
            } catch {
                sink.append(error.diagnostic)
            }
        }
        if let def = options.defaultCustomer, playbooks[def] == nil {
            playbooks[def] = Playbook.everything(customer: def)
        }
        var programs: [CustomerID: CustomerProgram] = [:]
        if !sink.hasErrors {
            for (id, playbook) in playbooks.sorted(by: { $0.key < $1.key }) {
                var compiler = ProgramCompiler(catalog: catalog, playbook: playbook, isDefault: id == options.defaultCustomer && playbook.path.isEmpty)
                let program = compiler.compile()
                sink.append(contentsOf: compiler.sink.diagnostics)
                if let program { programs[id] = program }
            }
        }
        let diagnostics = sink.diagnostics.sorted { ($0.path, $0.line, $0.column) < ($1.path, $1.line, $1.column) }
        if sink.hasErrors { throw RuleLoadFailure(diagnostics: diagnostics) }
        return RuleSet(rules: catalog.definitions, playbooks: playbooks, diagnostics: diagnostics, root: sources.root, programs: programs,
                       catalog: catalog)
    }
}
