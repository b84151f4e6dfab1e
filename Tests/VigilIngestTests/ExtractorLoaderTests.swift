import Foundation
import Testing
import VigilEvents
@testable import VigilIngest

@Suite("Extractor loading")
struct ExtractorLoaderTests {
    func loadError(_ yaml: String) -> ExtractorLoadError? {
        do {
            _ = try ExtractorSet(yaml: yaml, file: "x.yml")
            return nil
        } catch {
            return error
        }
    }

    @Test("The shipped rules/extractors load")
    func shipped() throws {
        let set = try ExtractorSet.load(directory: ParserFixture.extractorsDirectory)
        let names = Set(set.extractors.map(\.name))
        for name in ["sshd", "sudo", "su", "pam_unix", "useradd", "userdel", "passwd", "cron", "crontab", "auditd", "ufw", "netfilter"] {
            #expect(names.contains(name), "\(name)")
        }
    }

    @Test("A minimal extractor, plain and list forms, typed set values")
    func minimal() throws {
        let set = try ExtractorSet(yaml: """
            - name: demo
              program: demo
              set: { event.category: demo, n: 3, flag: true, quoted: "7" }
              patterns:
                - 'hello %{user.name:word}'
            """, file: "demo.yml")
        var fields = Fields()
        #expect(set.apply(program: "demo", message: "hello bob", to: &fields) == "demo")
        #expect(fields["user.name"] == "bob")
        #expect(fields["n"] == .int(3))
        #expect(fields["flag"] == .bool(true))
        #expect(fields["quoted"] == .string("7"))
        #expect(set.apply(program: "other", message: "hello bob", to: &fields) == nil)
    }

    @Test("Errors are file:line:col: message", arguments: [
        ("extractors:\n  - name: a\n    programs: [x]\n    patterns: ['ok %{x']\n", 4, 20, "without a closing"),
        ("extractors:\n  - name: a\n    programs: [x]\n    patterns:\n      - match: \"%{bad name}\"\n", 5, 19, "not a field name"),
        ("extractors:\n  - name: a\n    programz: [x]\n", 3, 5, "unknown key 'programz'"),
        ("extractors:\n  - name: a\n    patterns: ['x']\n", 2, 5, "has no 'programs'"),
        ("extractors:\n  - name: a\n    programs: [x]\n", 2, 5, "needs 'patterns' or 'kv'"),
        ("extractors:\n  - name: a\n    programs: x\n    patterns: ['%{_:kv}']\n", 2, 5, "no 'kv' table"),
        ("extractors:\n  - name: a\n    programs: x\n    kv: { map: { K: 'a.b:float' } }\n", 4, 21, "unknown type 'float'"),
        ("extractors:\n  - name: a\n    programs: x\n    kv: { prefix: nodot }\n", 4, 19, "must be a field name ending in '.'"),
        ("extractors:\n  - name: a\n    programs: x\n    set: { 'bad..name': 1 }\n    patterns: [x]\n", 4, 12, "not a valid field name"),
        ("extractors:\n  - name: a\n    programs: x\n    patterns: [x]\n  - name: a\n    programs: y\n    patterns: [y]\n", 5, 5, "defined twice"),
        ("extractors: [\n", 2, 1, "YAML"),
        ("other: 1\n", 1, 1, "unknown key 'other'"),
        ("extractors: 3\n", 1, 13, "expected a list"),
    ])
    func errors(_ yaml: String, _ line: Int, _ column: Int, _ message: String) throws {
        let error = try #require(loadError(yaml))
        #expect(error.file == "x.yml")
        #expect(error.line == line, "\(error)")
        #expect(error.column == column, "\(error)")
        #expect(error.message.contains(message), "\(error)")
        #expect(error.description.hasPrefix("x.yml:\(line):\(column): "))
    }

    @Test("A directory: files in name order, duplicate names across files rejected")
    func directory() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-extractors-\(UInt64.random(in: 0...UInt64.max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try "- { name: b, programs: p, patterns: ['b %{x}'] }\n".write(to: dir.appendingPathComponent("20-b.yml"), atomically: true, encoding: .utf8)
        try "- { name: a, programs: p, patterns: ['a %{x}'] }\n".write(to: dir.appendingPathComponent("10-a.yaml"), atomically: true, encoding: .utf8)
        try "not yaml for us".write(to: dir.appendingPathComponent("README.md"), atomically: true, encoding: .utf8)
        let set = try ExtractorSet.load(directory: dir.path)
        #expect(set.extractors.map(\.name) == ["a", "b"])
        try "- { name: a, programs: q, patterns: ['q'] }\n".write(to: dir.appendingPathComponent("30-dup.yml"), atomically: true, encoding: .utf8)
        do {
            _ = try ExtractorSet.load(directory: dir.path)
            Issue.record("duplicate accepted")
        } catch {
            #expect(error.message.contains("already defined"))
            #expect(error.file.hasSuffix("30-dup.yml"))
        }
        #expect(throws: ExtractorLoadError.self) { try ExtractorSet.load(directory: dir.path + "/missing") }
    }

    @Test("Program-specific extractors run before '*' ones; a kv-only extractor needs its required keys")
    func ordering() throws {
        let set = try ExtractorSet(yaml: """
            - name: any
              programs: '*'
              patterns: ['x %{generic}']
            - name: specific
              programs: [p]
              patterns: ['x %{specific}']
            - name: pairs
              programs: [kv]
              kv: { require: [A], map: { A: 'a.value:int', B: [b.one, 'b.two:lower'] }, ignore: ['?'], prefix: other. }
            """, file: "o.yml")
        var fields = Fields()
        #expect(set.apply(program: "p", message: "x 1", to: &fields) == "specific")
        #expect(set.apply(program: "q", message: "x 1", to: &fields) == "any")
        fields = Fields()
        #expect(set.apply(program: "kv", message: "B=1", to: &fields) == nil)
        #expect(set.apply(program: "kv", message: #"A=5 B="Mixed Case" C=? D='q v' bare"#, to: &fields) == "pairs")
        #expect(fields["a.value"] == .int(5))
        #expect(fields["b.one"] == "Mixed Case")
        #expect(fields["b.two"] == "mixed case")
        #expect(fields["other.C"] == nil)
        #expect(fields["other.D"] == "q v")
    }
}
