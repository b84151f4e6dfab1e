import Testing
import VigilDetection
import VigilEvents
@testable import VigilIncidents

@Suite("Priority matrix and SLA")
struct PriorityMatrixTests {
    @Test("impact × urgency gives the matrix from domain.md", arguments: [
        (Grade.high, Grade.high, Priority.p1), (.medium, .high, .p2), (.low, .high, .p3),
        (.high, .medium, .p2), (.medium, .medium, .p3), (.low, .medium, .p4),
        (.high, .low, .p3), (.medium, .low, .p4), (.low, .low, .p5),
    ])
    func matrix(impact: Grade, urgency: Grade, expected: Priority) {
        #expect(Priority(impact: impact, urgency: urgency) == expected)
    }

    @Test("level defaults: critical P1 down to informational P5")
    func levelDefaults() {
        let priorities = Level.allCases.map { Classification(level: $0).priority }
        #expect(priorities == [.p5, .p4, .p3, .p2, .p1])
    }

    @Test("the playbook's impact and urgency win over the level's defaults")
    func playbookHints() {
        let c = Classification(level: .low, impact: .high, urgency: .high)
        #expect(c.priority == .p1)
        let partial = Classification(level: .critical, impact: .low)
        #expect(partial.urgency == .high)
        #expect(partial.priority == .p3)
    }

    @Test("P1 sorts above P5; labels round-trip")
    func ordering() {
        #expect(Priority.p1 > Priority.p5)
        #expect(Priority.allCases.max() == .p1)
        for p in Priority.allCases { #expect(Priority(label: p.label) == p) }
        #expect(Priority(label: "P6") == nil)
        #expect(Priority(label: "X1") == nil)
    }

    @Test("default targets: 1h, 8h, 24h, 48h, scheduled")
    func defaultTargets() {
        let sla = SLAPolicy.standard
        #expect(sla.target(for: .p1) == .hours(1))
        #expect(sla.target(for: .p2) == .hours(8))
        #expect(sla.target(for: .p3) == .hours(24))
        #expect(sla.target(for: .p4) == .hours(48))
        #expect(sla.target(for: .p5) == nil)
        let start = Timestamp(seconds: 1_000)
        #expect(sla.due(from: start, priority: .p1) == Timestamp(seconds: 4_600))
        #expect(sla.due(from: start, priority: .p5) == nil)
    }

    @Test("a customer's contract overrides targets, including making one scheduled or giving P5 a deadline")
    func overrides() throws {
        let sla = try SLAPolicy(parsing: ["P1": "30m", "P4": "scheduled", "P5": "5d"])
        #expect(sla.target(for: .p1) == .minutes(30))
        #expect(sla.target(for: .p2) == .hours(8))
        #expect(sla.target(for: .p4) == nil)
        #expect(sla.target(for: .p5) == .days(5))
        #expect(try SLAPolicy(parsing: sla.textOverrides) == sla)
    }

    @Test("bad overrides are refused with a code")
    func badOverrides() {
        #expect(throws: SLAPolicyError(code: .unknownPriority, text: "P9")) { try SLAPolicy(parsing: ["P9": "1h"]) }
        #expect(throws: SLAPolicyError(code: .badDuration, text: "soon")) { try SLAPolicy(parsing: ["P1": "soon"]) }
        #expect(throws: SLAPolicyError(code: .badDuration, text: "0s")) { try SLAPolicy(parsing: ["P1": "0s"]) }
    }
}
