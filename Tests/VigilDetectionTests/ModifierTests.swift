import Foundation
import Testing
import VigilEvents
@testable import VigilDetection

@Suite("Sigma modifiers and case rules")
struct ModifierTests {
    func check(_ body: String, _ e: Event) throws -> Bool { try matches(detectionRule(body), e) }

    @Test func plainValuesAreCaseInsensitive() throws {
        let body = "sel:\n    user.name: Admin\ncondition: sel"
        #expect(try check(body, event(["user.name": "admin"])))
        #expect(try check(body, event(["user.name": "ADMIN"])))
        #expect(try !check(body, event(["user.name": "admins"])))
        #expect(try !check(body, event(["user.other": "admin"])))
    }

    @Test func unicodeCaseFolding() throws {
        let body = "sel:\n    user.name: ÄRGER\ncondition: sel"
        #expect(try check(body, event(["user.name": "ärger"])))
        #expect(try check(body, event(["user.name": "Ärger"])))
        #expect(try !check(body, event(["user.name": "arger"])))
    }

    @Test func casedIsCaseSensitive() throws {
        let body = "sel:\n    user.name|cased: Admin\ncondition: sel"
        #expect(try check(body, event(["user.name": "Admin"])))
        #expect(try !check(body, event(["user.name": "admin"])))
        let contains = "sel:\n    cmd|contains|cased: Mimi\ncondition: sel"
        #expect(try check(contains, event(["cmd": "x Mimikatz"])))
        #expect(try !check(contains, event(["cmd": "x mimikatz"])))
    }

    @Test func containsStartswithEndswith() throws {
        #expect(try check("sel:\n    cmd|contains: WHOAMI\ncondition: sel", event(["cmd": "cmd /c whoami /all"])))
        #expect(try !check("sel:\n    cmd|contains: whoami\ncondition: sel", event(["cmd": "who am i"])))
        #expect(try check("sel:\n    path|startswith: C:\\Windows\ncondition: sel", event(["path": "c:\\windows\\system32"])))
        #expect(try !check("sel:\n    path|startswith: C:\\Windows\ncondition: sel", event(["path": "d:\\c:\\windows"])))
        #expect(try check("sel:\n    path|endswith: '\\cmd.exe'\ncondition: sel", event(["path": "C:\\Windows\\CMD.EXE"])))
        #expect(try !check("sel:\n    path|endswith: '\\cmd.exe'\ncondition: sel", event(["path": "C:\\Windows\\cmd.exe.bak"])))
    }

    @Test func wildcardsAndEscapes() throws {
        #expect(try check("sel:\n    img: 'prog?.exe'\ncondition: sel", event(["img": "progA.exe"])))
        #expect(try !check("sel:\n    img: 'prog?.exe'\ncondition: sel", event(["img": "prog.exe"])))
        #expect(try check("sel:\n    img: 'anti*_V*.exe'\ncondition: sel", event(["img": "antivirus_V21.2.1.exe"])))
        #expect(try check("sel:\n    img: 'a?c'\ncondition: sel", event(["img": "aäc"])))
        // Escaped wildcards are literal.
        #expect(try check("sel:\n    v: 'what\\?'\ncondition: sel", event(["v": "what?"])))
        #expect(try !check("sel:\n    v: 'what\\?'\ncondition: sel", event(["v": "whatx"])))
        #expect(try check("sel:\n    v: 'a\\*b'\ncondition: sel", event(["v": "a*b"])))
        #expect(try !check("sel:\n    v: 'a\\*b'\ncondition: sel", event(["v": "axxb"])))
        // A backslash before a non-wildcard stays; a double backslash before a wildcard is one backslash plus the wildcard.
        #expect(try check("sel:\n    v: 'C:\\temp'\ncondition: sel", event(["v": "C:\\temp"])))
        #expect(try check("sel:\n    v: 'dir\\\\*'\ncondition: sel", event(["v": "dir\\anything"])))
        #expect(try check("sel:\n    v: 'x\\\\\\*'\ncondition: sel", event(["v": "x\\*"])))
        #expect(try !check("sel:\n    v: 'x\\\\\\*'\ncondition: sel", event(["v": "x\\yz"])))
    }

    @Test func listsAreOrAndAllMakesThemAnd() throws {
        let or = "sel:\n    cmd|contains:\n        - alpha\n        - beta\ncondition: sel"
        #expect(try check(or, event(["cmd": "beta only"])))
        let and = "sel:\n    cmd|contains|all:\n        - alpha\n        - beta\ncondition: sel"
        #expect(try !check(and, event(["cmd": "beta only"])))
        #expect(try check(and, event(["cmd": "beta and alpha"])))
    }

    @Test func mapsAreAnd() throws {
        let body = "sel:\n    a: x\n    b: y\ncondition: sel"
        #expect(try check(body, event(["a": "x", "b": "y"])))
        #expect(try !check(body, event(["a": "x", "b": "z"])))
        let listOfMaps = "sel:\n    - a: x\n    - b: y\ncondition: sel"
        #expect(try check(listOfMaps, event(["b": "y"])))
    }

    @Test func existsModifier() throws {
        let yes = "sel:\n    f|exists: true\ncondition: sel"
        let no = "sel:\n    f|exists: false\ncondition: sel"
        #expect(try check(yes, event(["f": ""])))
        #expect(try check(yes, event(["f": .null])))
        #expect(try !check(yes, event(["g": "x"])))
        #expect(try check(no, event(["g": "x"])))
        #expect(try !check(no, event(["f": .null])))
    }

    @Test func nullEmptyAndMissingAreDistinct() throws {
        let null = "sel:\n    f: null\ncondition: sel"
        let empty = "sel:\n    f: ''\ncondition: sel"
        #expect(try check(null, event(["g": "x"])))          // missing
        #expect(try check(null, event(["f": .null])))        // JSON null
        #expect(try !check(null, event(["f": ""])))          // empty is not null
        #expect(try check(empty, event(["f": ""])))
        #expect(try !check(empty, event(["g": "x"])))
        #expect(try !check(empty, event(["f": .null])))
        let notNull = "sel:\n    a: x\nfilter:\n    f: null\ncondition: sel and not filter"
        #expect(try check(notNull, event(["a": "x", "f": "set"])))
        #expect(try !check(notNull, event(["a": "x"])))
    }

    @Test func neqOnStringsAndNumbers() throws {
        let s = "sel:\n    user.name|neq: root\ncondition: sel"
        #expect(try check(s, event(["user.name": "alice"])))
        #expect(try !check(s, event(["user.name": "ROOT"])))
        #expect(try !check(s, event(["other": "x"])))
        let list = "sel:\n    user.name|neq:\n        - root\n        - admin\ncondition: sel"
        #expect(try !check(list, event(["user.name": "admin"])))
        #expect(try check(list, event(["user.name": "bob"])))
        let n = "sel:\n    port|neq: 22\ncondition: sel"
        #expect(try check(n, event(["port": 2222])))
        #expect(try !check(n, event(["port": 22])))
    }

    @Test func windash() throws {
        let body = "sel:\n    cmd|windash|contains: ' -enc '\ncondition: sel"
        #expect(try check(body, event(["cmd": "powershell -enc AAA"])))
        #expect(try check(body, event(["cmd": "powershell /enc AAA"])))
        #expect(try check(body, event(["cmd": "powershell \u{2013}enc AAA"])))
        #expect(try check(body, event(["cmd": "powershell \u{2014}enc AAA"])))
        #expect(try check(body, event(["cmd": "powershell \u{2015}enc AAA"])))
        #expect(try !check(body, event(["cmd": "powershell +enc AAA"])))
    }

    @Test func base64IsCaseSensitive() throws {
        let body = "sel:\n    data|base64: cmd\ncondition: sel"
        #expect(try check(body, event(["data": "Y21k"])))
        #expect(try !check(body, event(["data": "y21k"])))
        let contains = "sel:\n    data|base64|contains: 'http://'\ncondition: sel"
        #expect(try check(contains, event(["data": "xx aHR0cDovLw== yy"])))
    }

    @Test func base64offsetFindsTheValueAtAnyOffset() throws {
        let body = "sel:\n    data|base64offset|contains: 'http://evil'\ncondition: sel"
        for prefix in ["", "a", "ab", "abc", "GET "] {
            let encoded = Data((prefix + "http://evil.example/x").utf8).base64EncodedString()
            #expect(try check(body, event(["data": .string(encoded)])), "prefix '\(prefix)'")
        }
        let other = Data("http://good.example/x".utf8).base64EncodedString()
        #expect(try !check(body, event(["data": .string(other)])))
    }

    @Test func utf16EncodingsWithBase64() throws {
        let wide = "sel:\n    cmd|wide|base64offset|contains: 'Invoke-Mimikatz'\ncondition: sel"
        var utf16: [UInt8] = []
        for u in "IEX (Invoke-Mimikatz -DumpCreds)".utf16 { utf16.append(UInt8(u & 0xFF)); utf16.append(UInt8(u >> 8)) }
        #expect(try check(wide, event(["cmd": .string("powershell -enc " + Data(utf16).base64EncodedString())])))
        let le = "sel:\n    d|utf16le|base64: cmd\ncondition: sel"
        #expect(try check(le, event(["d": "YwBtAGQA"])))
        let be = "sel:\n    d|utf16be|base64: cmd\ncondition: sel"
        #expect(try check(be, event(["d": "AGMAbQBk"])))
        let bom = "sel:\n    d|utf16|base64: cmd\ncondition: sel"
        #expect(try check(bom, event(["d": "//5jAG0AZAA="])))
        let raw = "sel:\n    d|utf16le|contains: ab\ncondition: sel"
        #expect(try check(raw, event(["d": "xa\u{0}b\u{0}y"])))
    }

    @Test func regexIsCaseSensitiveWithFlags() throws {
        #expect(try check("sel:\n    cmd|re: '^Get-.*Item$'\ncondition: sel", event(["cmd": "Get-ChildItem"])))
        #expect(try !check("sel:\n    cmd|re: '^Get-.*Item$'\ncondition: sel", event(["cmd": "get-childitem"])))
        #expect(try check("sel:\n    cmd|re|i: '^Get-.*Item$'\ncondition: sel", event(["cmd": "get-childitem"])))
        #expect(try check("sel:\n    cmd|re|m: '^second$'\ncondition: sel", event(["cmd": "first\nsecond\nthird"])))
        #expect(try !check("sel:\n    cmd|re: '^second$'\ncondition: sel", event(["cmd": "first\nsecond\nthird"])))
        #expect(try check("sel:\n    cmd|re|s: 'first.second'\ncondition: sel", event(["cmd": "first\nsecond"])))
        #expect(try !check("sel:\n    cmd|re: 'first.second'\ncondition: sel", event(["cmd": "first\nsecond"])))
    }

    @Test func cidrV4AndV6() throws {
        let v4 = "sel:\n    source.ip|cidr: 10.8.0.0/16\ncondition: sel"
        #expect(try check(v4, event(["source.ip": "10.8.200.1"])))
        #expect(try !check(v4, event(["source.ip": "10.9.0.1"])))
        #expect(try check(v4, event(["source.ip": "::ffff:10.8.1.1"])))
        #expect(try !check(v4, event(["source.ip": "not an ip"])))
        let v6 = "sel:\n    source.ip|cidr: '2001:db8::/32'\ncondition: sel"
        #expect(try check(v6, event(["source.ip": "2001:db8:1::7"])))
        #expect(try check(v6, event(["source.ip": "2001:DB8::1"])))
        #expect(try !check(v6, event(["source.ip": "2001:db9::1"])))
        #expect(try !check(v6, event(["source.ip": "10.8.0.1"])))
        let list = "sel:\n    source.ip|cidr:\n        - 192.168.0.0/24\n        - fe80::/10\ncondition: sel"
        #expect(try check(list, event(["source.ip": "fe80::1%eth0"])))
    }

    @Test func numericComparisons() throws {
        #expect(try check("sel:\n    bytes|gt: 1000\ncondition: sel", event(["bytes": 1001])))
        #expect(try !check("sel:\n    bytes|gt: 1000\ncondition: sel", event(["bytes": 1000])))
        #expect(try check("sel:\n    bytes|gte: 1000\ncondition: sel", event(["bytes": 1000])))
        #expect(try check("sel:\n    bytes|lt: 10.5\ncondition: sel", event(["bytes": 10.4])))
        #expect(try check("sel:\n    bytes|lte: 10\ncondition: sel", event(["bytes": "10"])))
        #expect(try !check("sel:\n    bytes|lte: 10\ncondition: sel", event(["bytes": "ten"])))
        #expect(try !check("sel:\n    bytes|lt: 10\ncondition: sel", event(["other": 1])))
    }

    @Test func numbersAndBooleans() throws {
        let n = "sel:\n    EventID:\n        - 4625\n        - 529\ncondition: sel"
        #expect(try check(n, event(["EventID": 4625])))
        #expect(try check(n, event(["EventID": "529"])))
        #expect(try !check(n, event(["EventID": 4624])))
        let b = "sel:\n    flag: true\ncondition: sel"
        #expect(try check(b, event(["flag": true])))
        #expect(try check(b, event(["flag": "TRUE"])))
        #expect(try !check(b, event(["flag": false])))
    }

    @Test func arraysMatchAnyElement() throws {
        let body = "sel:\n    tags: prod\ncondition: sel"
        #expect(try check(body, event(["tags": .array(["dev", "PROD"])])))
        #expect(try !check(body, event(["tags": .array(["dev"])])))
    }

    @Test func fieldref() throws {
        let eq = "sel:\n    user.name|fieldref: user.target\ncondition: sel"
        #expect(try check(eq, event(["user.name": "Alice", "user.target": "alice"])))
        #expect(try !check(eq, event(["user.name": "alice", "user.target": "bob"])))
        #expect(try !check(eq, event(["user.name": "alice"])))
        let neq = "sel:\n    user.name|fieldref|neq: user.target\ncondition: sel"
        #expect(try check(neq, event(["user.name": "alice", "user.target": "bob"])))
        #expect(try !check(neq, event(["user.name": "alice", "user.target": "alice"])))
        let contains = "sel:\n    path|fieldref|contains: user.name\ncondition: sel"
        #expect(try check(contains, event(["path": "/home/alice/x", "user.name": "alice"])))
    }

    @Test func timeModifiers() throws {
        let body = "sel:\n    ts|hour: 3\ncondition: sel"
        #expect(try check(body, event(["ts": "2026-11-02T03:15:00Z"])))
        #expect(try !check(body, event(["ts": "2026-11-02T04:15:00Z"])))
        let range = "sel:\n    ts|hour|gte: 22\ncondition: sel"
        #expect(try check(range, event(["ts": "2026-11-02T23:00:00Z"])))
        let month = "sel:\n    ts|month: 11\ncondition: sel"
        #expect(try check(month, event(["ts": 1_794_700_800])))
        let week = "sel:\n    ts|week: 1\ncondition: sel"
        #expect(try check(week, event(["ts": "2026-01-01T00:00:00Z"])))
    }

    @Test func keywordsSearchTheMessage() throws {
        let body = "keywords:\n    - 'event::clear'\n    - 'Failed password'\ncondition: keywords"
        #expect(try check(body, event(message: "sshd[1]: failed PASSWORD for root")))
        #expect(try !check(body, event(message: "Accepted password")))
        let all = "keywords:\n    '|all':\n        - 'OabVirtualDirectory'\n        - ' -ExternalUrl '\ncondition: keywords"
        #expect(try check(all, event(message: "Set-OabVirtualDirectory -ExternalUrl x")))
        #expect(try !check(all, event(message: "Set-OabVirtualDirectory")))
        let scalar = "kw: 'mimikatz'\ncondition: kw"
        #expect(try check(scalar, event(message: "running MimiKatz now")))
    }

    @Test func manyContainsValuesUseOnePass() throws {
        let values = (0..<40).map { "        - 'tool\($0)x'" }.joined(separator: "\n")
        let body = "sel:\n    cmd|contains:\n\(values)\ncondition: sel"
        #expect(try check(body, event(["cmd": "run TOOL37X now"])))
        #expect(try !check(body, event(["cmd": "run tool40x now"])))
        let set = try load([detectionRule(body)])
        let test = set.programs["default"]!.detections[0].detection.selections[0].matcher
        guard case .allOf(let tests) = test, case .values(let alts, _) = tests[0].check, case .value(.anySubstring) = alts[0] else {
            Issue.record("expected an Aho–Corasick test")
            return
        }
    }

    @Test func expandUsesTheCustomersPlaceholders() throws {
        let rule = detectionRule("sel:\n    host.name|expand: '%admin_hosts%'\n    source.ip|expand|cidr: '%vpn_ranges%'\ncondition: sel")
        let playbook = """
            id: bank
            name: Bank
            timezone: Europe/Berlin
            enable: [r1]
            placeholders:
                admin_hosts: ['adm-*', jump01]
                vpn_ranges: [10.8.0.0/16]
            """
        let set = try load([rule], playbooks: ["bank": playbook], defaultCustomer: nil)
        let engine = DetectionEngine(ruleSet: set, options: .init(allowedLateness: .zero))
        #expect(engine.process(event(["host.name": "ADM-07", "source.ip": "10.8.1.1"], customer: "bank")).count == 1)
        #expect(engine.process(event(["host.name": "jump01", "source.ip": "10.8.1.1"], customer: "bank")).count == 1)
        #expect(engine.process(event(["host.name": "web01", "source.ip": "10.8.1.1"], customer: "bank")).isEmpty)
        #expect(engine.process(event(["host.name": "jump01", "source.ip": "10.9.1.1"], customer: "bank")).isEmpty)
        // Without `expand` the percent signs are literal; `\%` escapes inside an expanded value.
        #expect(try check("sel:\n    v: '%admin_hosts%'\ncondition: sel", event(["v": "%admin_hosts%"])))
        let escaped = detectionRule("sel:\n    v|expand: '100\\%'\ncondition: sel")
        #expect(try matches(escaped, event(["v": "100%"])))
    }

    @Test func missingPlaceholderIsAnErrorInThePlaybook() {
        let rule = detectionRule("sel:\n    host.name|expand: '%admin_hosts%'\ncondition: sel")
        let playbook = "id: bank\nname: Bank\ntimezone: UTC\nenable: [r1]\n"
        let errs = errors([rule], playbooks: ["bank": playbook])
        #expect(errs.contains { $0.code == "undefined-placeholder" && $0.message.contains("%admin_hosts%") })
    }
}
