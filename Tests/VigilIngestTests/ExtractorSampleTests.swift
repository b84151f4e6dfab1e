import Testing
import VigilEvents
@testable import VigilIngest

/// Each shipped pattern against a real log line, through the extractors in `rules/extractors`.
@Suite("Extractor samples")
struct ExtractorSampleTests {
    @Test("Each sample yields its fields", arguments: ExtractorSample.all)
    func sample(_ sample: ExtractorSample) throws {
        var fields = Fields()
        let name = ParserFixture.extractors.apply(program: sample.program, message: sample.message, to: &fields)
        #expect(name == sample.extractor)
        for (path, expected) in sample.fields {
            #expect(fields[path] == expected, "\(path)")
        }
    }

    @Test("The same line through syslog framing: header fields stay, extracted fields are added")
    func throughSyslog() throws {
        for sample in ExtractorSample.all {
            let frame = "<38>Nov 21 10:00:00 host01 \(sample.program)[4711]: \(sample.message)"
            let e = try ParserFixture.event(frame, .syslog, extractors: ParserFixture.extractors)
            #expect(e.string("host.name") == "host01")
            #expect(e.string("process.name") == sample.program)
            #expect(e.message == sample.message)
            for (path, expected) in sample.fields where path != "process.pid" {
                #expect(e.value(at: path) == expected, "\(sample.program): \(path)")
            }
        }
    }

    @Test("Every shipped pattern is exercised by a sample")
    func coverage() throws {
        let set = ParserFixture.extractors
        try #require(!set.isEmpty)
        var hit: Set<String> = []
        for sample in ExtractorSample.all {
            var fields = Fields()
            var message = sample.message
            let result = message.withUTF8 { set.applyDetailed(program: sample.program, message: $0, 0, $0.count, to: &fields) }
            if let result { hit.insert("\(set.extractors[result.extractor].name)#\(result.pattern)") }
        }
        for extractor in set.extractors {
            if extractor.patterns.isEmpty {
                #expect(hit.contains("\(extractor.name)#-1"), "kv extractor \(extractor.name) has no sample")
            }
            for (index, pattern) in extractor.patterns.enumerated() {
                #expect(hit.contains("\(extractor.name)#\(index)"), "no sample for \(extractor.name) pattern \(index): \(pattern.pattern.source)")
            }
        }
    }

    @Test("Lines that look similar but do not match leave the fields alone")
    func nonMatches() {
        let set = ParserFixture.extractors
        let misses: [(String, String)] = [
            ("sshd", "Server listening on 0.0.0.0 port 22."),
            ("sshd", "Failed password for root from not-an-ip port 22 ssh2"),
            ("sshd", "Accepted password for alice from 203.0.113.8 port x ssh2"),
            ("sudo", "alice : TTY=pts/0 ; PWD=/home/alice"),
            ("kernel", "[ 1.0] Linux version 6.1.0"),
            ("kernel", "[UFW BLOCK] IN=eth0 OUT= no addresses here"),
            ("nginx", "GET / HTTP/1.1"),
            ("audispd", "node=web01 no type here"),
        ]
        for (program, message) in misses {
            var fields = Fields()
            #expect(set.apply(program: program, message: message, to: &fields) == nil, "\(program): \(message)")
            #expect(fields.isEmpty, "\(program): \(message)")
        }
    }
}
