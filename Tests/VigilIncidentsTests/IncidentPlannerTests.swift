import Foundation
import Testing
import VigilDetection
import VigilEvents
@testable import VigilIncidents

@Suite("Incident planner")
struct IncidentPlannerTests {
    static let t0 = Timestamp(seconds: 1_800_000_000)

    static func event(_ seq: UInt64) -> Event {
        Event(sequence: seq, customer: "bank-nord", eventTime: t0 + .seconds(Int64(seq)), receivedTime: t0 + .seconds(Int64(seq)),
              format: .json, message: "event \(seq)")
    }

    static func hit(level: Level = .medium, events: ClosedRange<UInt64> = 1...1, ip: String = "203.0.113.7",
                    impact: Grade? = nil, urgency: Grade? = nil, at offset: Int64 = 0) -> DetectedHit {
        let evidence = events.map(event)
        return DetectedHit(hit: Hit(
            ruleID: "ssh-brute", ruleTitle: "SSH brute force", customer: "bank-nord", level: level,
            group: [GroupValue(field: "source.ip", value: ip)], evidence: evidence, eventSequences: Array(events),
            firstTime: evidence.first!.eventTime, lastTime: evidence.last!.eventTime, count: evidence.count,
            summary: "\(evidence.count) failed logins from \(ip)", responseSteps: ["Block the source"], impact: impact, urgency: urgency
        ), detectedAt: t0 + .seconds(offset))
    }

    @Test("the first hit of a key creates an incident, classified and due per SLA")
    func create() throws {
        let plan = IncidentPlanner(evidenceCap: 10).plan(hits: [Self.hit(level: .high)], open: nil, previousID: nil, sla: .standard)
        guard case .create(let incident) = plan else { Issue.record("expected create"); return }
        #expect(incident.priority == .p2)
        #expect(incident.slaTarget == .hours(8))
        #expect(incident.dueAt == Self.t0 + .hours(8))
        #expect(incident.detectedAt == Self.t0)
        #expect(incident.reopenedFrom == nil)
        #expect(incident.timeline.map(\.kind) == [.created, .hit])
        #expect(incident.evidence.count == 1)
        #expect(incident.responseSteps == ["Block the source"])
    }

    @Test("later hits join the open incident: counts, times, evidence")
    func join() throws {
        let open = OpenIncident(id: 7, classification: Classification(level: .medium), detectedAt: Self.t0, evidenceCount: 1)
        let plan = IncidentPlanner(evidenceCap: 10).plan(hits: [Self.hit(events: 2...4, at: 60)], open: open, previousID: 3, sla: .standard)
        guard case .update(let update) = plan else { Issue.record("expected update"); return }
        #expect(update.id == 7)
        #expect(update.reclassified == false)
        #expect(update.eventCount == 3)
        #expect(update.lastTime == Self.t0 + .seconds(4))
        #expect(update.evidence.count == 3)
        #expect(update.timeline.map(\.kind) == [.hit])
    }

    @Test("a rise in level re-prioritises and records both changes")
    func levelRise() throws {
        let open = OpenIncident(id: 7, classification: Classification(level: .medium), detectedAt: Self.t0, evidenceCount: 0)
        let plan = IncidentPlanner().plan(hits: [Self.hit(level: .critical, at: 120)], open: open, previousID: nil, sla: .standard)
        guard case .update(let update) = plan else { Issue.record("expected update"); return }
        #expect(update.reclassified)
        #expect(update.priority == .p1)
        #expect(update.dueAt == Self.t0 + .hours(1))
        let changes = update.timeline.filter { $0.kind != .hit }
        #expect(changes.map(\.kind) == [.levelRaised, .priorityChanged])
        #expect(changes[1].from == "P3" && changes[1].to == "P1")
        #expect(changes[1].at == Self.t0 + .seconds(120))
    }

    @Test("a lower level never lowers the priority")
    func noLowering() {
        let open = OpenIncident(id: 1, classification: Classification(level: .high), detectedAt: Self.t0, evidenceCount: 0)
        guard case .update(let update) = IncidentPlanner().plan(hits: [Self.hit(level: .low)], open: open, previousID: nil, sla: .standard)
        else { Issue.record("expected update"); return }
        #expect(update.classification.level == .high)
        #expect(update.reclassified == false)
    }

    @Test("rises inside one batch of a new incident are recorded in order")
    func riseWithinBatch() {
        let hits = [Self.hit(level: .low), Self.hit(level: .medium, at: 1), Self.hit(level: .medium, at: 2), Self.hit(level: .critical, at: 3)]
        guard case .create(let incident) = IncidentPlanner().plan(hits: hits, open: nil, previousID: nil, sla: .standard)
        else { Issue.record("expected create"); return }
        #expect(incident.priority == .p1)
        #expect(incident.timeline.map(\.kind) == [.created, .hit, .levelRaised, .priorityChanged, .hit, .hit, .levelRaised, .priorityChanged, .hit])
        #expect(incident.timeline.filter { $0.kind == .hit }.count == hits.count)
    }

    @Test("evidence stops at the cap and the rest is counted")
    func evidenceCap() {
        let open = OpenIncident(id: 1, classification: Classification(level: .low), detectedAt: Self.t0, evidenceCount: 8)
        guard case .update(let update) = IncidentPlanner(evidenceCap: 10).plan(hits: [Self.hit(events: 1...5)], open: open, previousID: nil, sla: .standard)
        else { Issue.record("expected update"); return }
        #expect(update.evidence.map(\.event.sequence) == [1, 2])
        #expect(update.evidenceOverflow == 3)
    }

    @Test("after resolution the next hit opens a new incident linked to the previous one")
    func reopen() {
        guard case .create(let incident) = IncidentPlanner().plan(hits: [Self.hit()], open: nil, previousID: 42, sla: .standard)
        else { Issue.record("expected create"); return }
        #expect(incident.reopenedFrom == 42)
        #expect(incident.timeline[0].detail.hasSuffix("(reopens incident 42)"))
    }

    @Test("customer SLA overrides set the due time")
    func customerSLA() throws {
        let sla = try SLAPolicy(parsing: ["P3": "4h"])
        guard case .create(let incident) = IncidentPlanner().plan(hits: [Self.hit()], open: nil, previousID: nil, sla: sla)
        else { Issue.record("expected create"); return }
        #expect(incident.dueAt == Self.t0 + .hours(4))
    }

    @Test("grouping keeps first-arrival order of keys and arrival order within a key")
    func grouping() {
        let a1 = Self.hit(ip: "a"), b1 = Self.hit(ip: "b"), a2 = Self.hit(ip: "a")
        let groups = IncidentPlanner.group([a1, b1, a2])
        #expect(groups.map { $0.key.group[0].value } == ["a", "b"])
        #expect(groups[0].hits.map(\.hit.id) == [a1.hit.id, a2.hit.id])
    }
}
