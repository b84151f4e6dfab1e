import Testing
import VigilEvents
@testable import VigilIngest

@Suite("Extraction patterns")
struct ExtractionPatternTests {
    /// Matches `message` and returns the captured text per capture, or nil.
    func captures(_ pattern: String, _ message: String) throws -> [String]? {
        let p = try ExtractionPattern(pattern)
        var bytes = Array(message.utf8)
        var spans = Array(repeating: (0, 0), count: max(1, p.captures.count))
        let matched = bytes.withUnsafeMutableBufferPointer { m in
            spans.withUnsafeMutableBufferPointer { s in p.match(UnsafeBufferPointer(m), 0, m.count, spans: s) }
        }
        guard matched else { return nil }
        return p.captures.indices.map { String(decoding: bytes[spans[$0].0..<spans[$0].1], as: UTF8.self) }
    }

    @Test("Anchored at both ends")
    func anchored() throws {
        #expect(try captures("abc", "abc") == [])
        #expect(try captures("abc", "abcd") == nil)
        #expect(try captures("abc", "xabc") == nil)
        #expect(try captures("abc%{-}", "abcd") == ["d"])
        #expect(try captures("%{-}abc", "xxabc") == ["xx"])
    }

    @Test("Lazy string captures retry later occurrences of the next literal")
    func lazyBacktracking() throws {
        #expect(try captures("for %{u} from %{ip:ip} port", "for from from 1.2.3.4 port") == ["from", "1.2.3.4"])
        #expect(try captures("%{a}:%{b}", "x:y:z") == ["x", "y:z"])
        #expect(try captures("%{a}:%{b}:z", "x:y:q:z") == ["x", "y:q"])
        // A string capture needs at least one byte; `any` may be empty.
        #expect(try captures("a%{s}b", "ab") == nil)
        #expect(try captures("a%{-}b", "ab") == [""])
    }

    @Test("Greedy typed captures: word, int, ip")
    func typed() throws {
        #expect(try captures("%{w:word} rest", "alice rest") == ["alice"])
        #expect(try captures("%{w:word} rest", "alice bob rest") == nil)
        #expect(try captures("port %{p:int}%{-}", "port 4242 ssh2") == ["4242", " ssh2"])
        #expect(try captures("n=%{n:int}", "n=-17") == ["-17"])
        #expect(try captures("n=%{n:int}", "n=1-2") == nil)
        #expect(try captures("n=%{n:int}", "n=") == nil)
        #expect(try captures("from %{ip:ip} port", "from 203.0.113.7 port") == ["203.0.113.7"])
        #expect(try captures("from %{ip:ip}: x", "from 203.0.113.7: x") == ["203.0.113.7"])
        #expect(try captures("from %{ip:ip} port", "from ::ffff:192.0.2.1 port") == ["::ffff:192.0.2.1"])
        #expect(try captures("from %{ip:ip} port", "from 256.1.1.1 port") == nil)
        #expect(try captures("from %{ip:ip} port", "from 1.2.3 port") == nil)
        #expect(try captures("from %{ip:ip} port", "from dead:beef port") == nil)
        #expect(try captures("from %{ip:ip}.", "from 10.0.0.1.") == ["10.0.0.1"])
    }

    @Test("IP syntax", arguments: [
        ("192.0.2.1", true), ("0.0.0.0", true), ("255.255.255.255", true), ("01.2.3.4", false), ("1.2.3.4.5", false),
        ("::", true), ("::1", true), ("2001:db8::7", true), ("2001:db8:0:0:0:0:0:7", true), ("2001:db8::0:0:0:0:0:7", false),
        ("2001:db8:::7", false), (":1", false), ("1:", false), ("12345::1", false), ("::ffff:1.2.3.4", true), ("fe80::1:2:3:4:5:6", true),
    ])
    func ipSyntax(_ text: String, _ valid: Bool) {
        var bytes = Array(text.utf8)
        let result = bytes.withUnsafeMutableBufferPointer { IPAddressSyntax.isValid(UnsafeBufferPointer($0), 0, $0.count) }
        #expect(result == valid)
    }

    @Test("%% is a literal percent; multi-field captures")
    func literalsAndMultiField() throws {
        #expect(try captures("100%% %{x}", "100% done") == ["done"])
        let p = try ExtractionPattern("USER=%{user.target.name,user.effective.name:word}")
        #expect(p.captures == [.init(fields: ["user.target.name", "user.effective.name"], type: .word)])
    }

    @Test("Syntax errors name the offset", arguments: [
        ("abc %{user.name", "without a closing", 4),
        ("%{bad name}", "not a field name", 2),
        ("%{x:number}", "unknown capture type", 4),
        ("%{a}%{b}", "needs literal text between", 4),
        ("", "empty pattern", 0),
        ("%{message}", "not a field name", 2),
    ])
    func syntaxErrors(_ source: String, _ message: String, _ offset: Int) {
        do {
            _ = try ExtractionPattern(source)
            Issue.record("compiled: \(source)")
        } catch {
            #expect(error.message.contains(message), "\(error.message)")
            #expect(error.offset == offset)
        }
    }

    @Test("Backtracking is bounded: a hostile message fails quickly")
    func bounded() throws {
        let p = try ExtractionPattern("%{a} x %{b} x %{c} x %{d} y")
        let message = Array(String(repeating: "a x ", count: 5000).utf8)
        var spans = Array(repeating: (0, 0), count: 4)
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            let matched = message.withUnsafeBufferPointer { m in
                spans.withUnsafeMutableBufferPointer { p.match(m, 0, m.count, spans: $0) }
            }
            #expect(!matched)
        }
        #expect(elapsed < .seconds(1))
    }
}
