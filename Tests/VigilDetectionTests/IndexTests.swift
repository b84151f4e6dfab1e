import Testing
import VigilEvents
@testable import VigilDetection

@Suite("Rule index and multi-pattern search")
struct IndexTests {
    @Test func ahoCorasickFindsEveryPattern() {
        let patterns = ["he", "she", "his", "hers", "ä", "x"].map { Array(CaseFolding.fold($0).utf8) }
        let ac = AhoCorasick(patterns: patterns)
        var found: Set<Int> = []
        ac.forEachMatch(in: "USHERS and Ä") { found.insert($0) }
        #expect(found == [0, 1, 3, 4])
        #expect(ac.containsAny("nothing here but x"))
        #expect(!ac.containsAny("nothing"))
        #expect(!ac.containsAny("X", caseSensitive: true))
    }

    @Test func ahoCorasickAgreesWithNaiveSearch() {
        var rng = SplitMix64(seed: 7)
        let alphabet = Array("abcAB.-")
        for _ in 0..<200 {
            let patterns = (0..<Int.random(in: 1...8, using: &rng)).map { _ in
                String((0..<Int.random(in: 1...4, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! })
            }
            let text = String((0..<Int.random(in: 0...40, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! })
            let ac = AhoCorasick(patterns: patterns.map { Array(CaseFolding.fold($0).utf8) })
            var found: Set<Int> = []
            ac.forEachMatch(in: text) { found.insert($0) }
            let expected = Set(patterns.indices.filter { text.lowercased().contains(patterns[$0].lowercased()) })
            #expect(found == expected, "\(patterns) in \(text)")
        }
    }

    @Test func nGramSearcherAgreesWithNaiveSearch() {
        var rng = SplitMix64(seed: 11)
        let alphabet = Array("abcdAB.-ä")
        for _ in 0..<1_000 {
            // The shortest pattern sets the sampling step (1 to 4 positions): vary it.
            let shortest = Int.random(in: 3...8, using: &rng)
            let patterns = (0..<Int.random(in: 1...12, using: &rng)).map { _ in
                String((0..<Int.random(in: shortest...shortest + 5, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! })
            }
            var text = String((0..<Int.random(in: 0...90, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! })
            if Bool.random(using: &rng) {
                // Plant a pattern (upper-cased half the time) at a random offset, so every step phase gets hits.
                let p = patterns.randomElement(using: &rng)!
                let at = text.index(text.startIndex, offsetBy: Int.random(in: 0...text.count, using: &rng))
                text.insert(contentsOf: Bool.random(using: &rng) ? p.uppercased() : p, at: at)
            }
            let searcher = NGramSearcher(patterns: patterns.map { Array(CaseFolding.fold($0).utf8) })
            #expect(searcher.step == min(NGramSearcher.maximumStep, patterns.map { CaseFolding.fold($0).utf8.count }.min()! - 2))
            var found: Set<Int> = []
            searcher.forEachMatch(in: text) { found.insert($0) }
            let expected = Set(patterns.indices.filter { text.lowercased().contains(patterns[$0].lowercased()) })
            #expect(found == expected, "\(patterns) in \(text)")
        }
    }

    @Test func literalsAreIndexedAndRegexesAreNot() throws {
        let logsources = "logsources:\n    - product: linux\n      service: sshd\n      conditions: {process.name: sshd}\n    - product: linux\n"
        let a = "title: a\nid: a\nlogsource: {product: linux, service: sshd}\ndetection: {s: {event.outcome: failure}, condition: s}\n"
        let b = "title: b\nid: b\nlogsource: {product: linux}\ndetection: {s: {cmd|contains: [mimikatz, sekurlsa]}, condition: s}\n"
        let c = "title: c\nid: c\nlogsource: {product: linux}\ndetection: {s: {cmd|re: 'a.*b'}, condition: s}\n"
        let d = "title: d\nid: d\nlogsource: {product: linux}\ndetection: {k: [evil], condition: k}\n"
        let set = try load([a, b, c, d], logsources: logsources)
        let index = set.matching.index
        #expect(index.always == [2])
        #expect(index.equalsFields == ["event.outcome", "process.name"] || index.equalsFields == ["process.name"])
        #expect(index.containsFields == ["cmd", "message"])
        var candidates: [Int32] = []
        index.forEachCandidate(event(["process.name": "SSHD", "cmd": "run Mimikatz"], message: "")) { candidates.append($0) }
        #expect(Set(candidates) == [0, 1, 2])
    }

    /// Whatever the index skips could not have matched: hits equal a brute-force run over every rule.
    @Test func indexedCandidatesGiveTheSameHitsAsTestingEveryRule() throws {
        var rng = SplitMix64(seed: 99)
        let fields = ["process.name", "user.name", "event.action", "cmd"]
        let values = ["sshd", "sudo", "root", "alice", "login", "exec", "mimikatz", "Invoke-X", "backup", "rm -rf /"]
        var rules: [String] = []
        for i in 0..<120 {
            let f1 = fields.randomElement(using: &rng)!
            let f2 = fields.randomElement(using: &rng)!
            let v1 = values.randomElement(using: &rng)!
            let v2 = values.randomElement(using: &rng)!
            let mod = ["", "|contains", "|startswith", "|endswith", "|re", "|neq", "|contains|all"].randomElement(using: &rng)!
            let second = mod == "|contains|all" ? "['\(v2.prefix(3))', '\(v2.suffix(2))']" : "'\(v2)'"
            let cond = ["a and b", "a or b", "a and not b", "1 of them", "not a"].randomElement(using: &rng)!
            rules.append("title: r\(i)\nid: r\(i)\nlogsource: {product: test}\ndetection:\n    a:\n        \(f1): '\(v1)'\n    b:\n        \(f2)\(mod): \(second)\n    condition: \(cond)\n")
        }
        let set = try load(rules)
        let program = try #require(set.programs["default"])
        #expect(set.matching.index.indexedCount > 0)
        for n in 0..<500 {
            var list: [(String, FieldValue)] = []
            for f in fields where Bool.random(using: &rng) { list.append((f, .string(values.randomElement(using: &rng)!.uppercased()))) }
            let e = event(fieldList: list, time: at(Int64(n)), sequence: UInt64(n))
            let expected = program.detections.filter { $0.matches(e) }.map(\.key).sorted()
            let engine = DetectionEngine(ruleSet: set, options: .init(allowedLateness: .zero))
            let actual = engine.process(e).map(\.ruleID).sorted()
            #expect(actual == expected)
            if actual != expected { return }
        }
    }
}
