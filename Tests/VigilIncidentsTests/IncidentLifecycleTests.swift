import Testing
import VigilEvents
@testable import VigilIncidents

@Suite("Incident lifecycle")
struct IncidentLifecycleTests {
    let t = Timestamp(seconds: 1_800_000_000)

    @Test("new → acknowledged → resolved → closed, each stamped and recorded")
    func happyPath() throws {
        var machine = IncidentLifecycle(status: .new)
        let ack = try machine.handle(.acknowledge(by: "anna", at: t, note: "looking"))
        #expect(machine.status == .acknowledged)
        #expect(ack.count == 3)
        #expect(ack[0] == .setStatus(.acknowledged))
        #expect(ack[1] == .stamp(.acknowledged, t, by: "anna"))
        guard case .appendTimeline(let entry) = ack[2] else { Issue.record("expected a timeline entry"); return }
        #expect(entry.kind == .acknowledged)
        #expect(entry.actor == "anna")
        #expect(entry.detail == "acknowledged by anna: looking")
        #expect(entry.from == "new" && entry.to == "acknowledged")

        let resolve = try machine.handle(.resolve(by: "anna", at: t + .minutes(5), note: nil))
        #expect(resolve.first == .setStatus(.resolved))
        #expect(resolve.contains(.stamp(.resolved, t + .minutes(5), by: "anna")))
        _ = try machine.handle(.close(by: "lead", at: t + .hours(1), note: nil))
        #expect(machine.status == .closed)
    }

    @Test("resolving a new incident acknowledges it at the same instant")
    func impliedAck() throws {
        var machine = IncidentLifecycle(status: .new)
        let actions = try machine.handle(.resolve(by: "bob", at: t, note: "false positive"))
        #expect(actions.filter { if case .stamp = $0 { true } else { false } } == [
            .stamp(.acknowledged, t, by: "bob"), .stamp(.resolved, t, by: "bob"),
        ])
        let details = actions.compactMap { if case .appendTimeline(let e) = $0 { e.detail } else { nil } }
        #expect(details == ["acknowledged by bob (implied by resolved)", "resolved by bob: false positive"])
    }

    @Test("closing an acknowledged incident resolves it too")
    func impliedResolve() throws {
        var machine = IncidentLifecycle(status: .acknowledged)
        let stamps = try machine.handle(.close(by: "c", at: t, note: nil)).filter { if case .stamp = $0 { true } else { false } }
        #expect(stamps == [.stamp(.resolved, t, by: "c"), .stamp(.closed, t, by: "c")])
    }

    @Test("repeating the current stage is a no-op")
    func idempotent() throws {
        var machine = IncidentLifecycle(status: .acknowledged)
        #expect(try machine.handle(.acknowledge(by: "x", at: t, note: nil)).isEmpty)
        #expect(machine.status == .acknowledged)
    }

    @Test("going backwards is refused", arguments: [
        (IncidentStatus.resolved, IncidentLifecycle.Command.acknowledge(by: "x", at: .epoch, note: nil)),
        (.closed, .acknowledge(by: "x", at: .epoch, note: nil)),
        (.closed, .resolve(by: "x", at: .epoch, note: nil)),
    ])
    func backwards(status: IncidentStatus, command: IncidentLifecycle.Command) {
        var machine = IncidentLifecycle(status: status)
        #expect(throws: LifecycleError.self) { try machine.handle(command) }
        #expect(machine.status == status)
        do {
            _ = try machine.handle(command)
        } catch {
            #expect(error.code == .invalidTransition)
        }
    }

    @Test("an actor is required; notes need text")
    func validation() {
        var machine = IncidentLifecycle(status: .new)
        #expect(throws: LifecycleError(code: .missingActor, status: .new)) { try machine.handle(.acknowledge(by: "", at: t, note: nil)) }
        #expect(throws: LifecycleError(code: .emptyNote, status: .new)) { try machine.handle(.note(by: "a", at: t, text: "")) }
    }

    @Test("a note is a timeline entry and changes nothing else")
    func note() throws {
        var machine = IncidentLifecycle(status: .closed)
        let actions = try machine.handle(.note(by: "anna", at: t, text: "customer informed"))
        #expect(actions == [.appendTimeline(TimelineEntry(kind: .note, at: t, actor: "anna", detail: "customer informed"))])
        #expect(machine.status == .closed)
    }

    @Test("open means new or acknowledged")
    func openStatuses() {
        #expect(IncidentStatus.allCases.filter(\.isOpen) == [.new, .acknowledged])
    }
}
