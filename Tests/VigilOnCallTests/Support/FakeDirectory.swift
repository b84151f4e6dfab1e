import VigilEvents
@testable import VigilOnCall

/// A directory whose answers the test spells out: recipients per step name (optionally by time),
/// contacts per person in fallback order, and which of them the notification policy uses at once.
struct FakeDirectory: EscalationDirectory {
    var recipientsByStep: @Sendable (String, Timestamp) -> [Recipient]
    var contacts: [String: [ContactMethod]]
    /// Per person: indexes into `contacts` used at first, with a delay each. Default: the first contact at once.
    var plans: [String: [(Int, TimeSpan)]] = [:]

    init(steps: [String: [Recipient]], contacts: [String: [ContactMethod]], plans: [String: [(Int, TimeSpan)]] = [:]) {
        self.recipientsByStep = { name, _ in steps[name] ?? [] }
        self.contacts = contacts
        self.plans = plans
    }

    init(recipients: @escaping @Sendable (String, Timestamp) -> [Recipient], contacts: [String: [ContactMethod]]) {
        self.recipientsByStep = recipients
        self.contacts = contacts
    }

    func recipients(for step: EscalationStep, incident: OnCallIncident, at instant: Timestamp) -> [Recipient] {
        recipientsByStep(step.name ?? "", instant)
    }

    func deliveries(for recipient: Recipient, incident: OnCallIncident, at instant: Timestamp) -> [PlannedDelivery] {
        switch recipient {
        case .channel(let id):
            return [PlannedDelivery(contact: ContactMethod(id: "channel:\(id)", kind: .slack, address: "https://chat.example/\(id)"),
                                    at: instant, reason: "channel")]
        case .person(let id):
            let list = contacts[id] ?? []
            let plan = plans[id] ?? (list.isEmpty ? [] : [(0, .zero)])
            return plan.map { PlannedDelivery(contact: list[$0.0], at: instant + $0.1, reason: "test plan") }
        }
    }

    func fallback(for recipient: Recipient, after failed: ContactMethod, tried: Set<String>, incident: OnCallIncident,
                  at instant: Timestamp) -> ContactMethod? {
        guard case .person(let id) = recipient else { return nil }
        return (contacts[id] ?? []).first { !tried.contains($0.id) }
    }

    func displayName(of recipient: Recipient) -> String {
        switch recipient {
        case .person(let id): id.prefix(1).uppercased() + id.dropFirst()
        case .channel(let id): "#\(id)"
        }
    }

    /// `sms`, `voice`, `email` contacts for a person, in that order.
    static func phoneAndMail(_ person: String) -> [ContactMethod] {
        [ContactMethod(id: "\(person).sms", kind: .sms, address: "+4915100000000"),
         ContactMethod(id: "\(person).voice", kind: .voice, address: "+4915100000000"),
         ContactMethod(id: "\(person).email", kind: .email, address: "\(person)@soc.example")]
    }
}

/// Drives a machine like the real driver would: performs timers in time order and collects actions.
struct EscalationHarness<Directory: EscalationDirectory> {
    var machine: EscalationStateMachine
    let directory: Directory
    var now: Timestamp
    /// Timers asked for and not yet fired, in the order asked.
    var timers: [(EscalationTimer, Timestamp)] = []
    var log: [EscalationAction] = []

    init(machine: EscalationStateMachine, directory: Directory, now: Timestamp) {
        self.machine = machine
        self.directory = directory
        self.now = now
    }

    @discardableResult
    mutating func send(_ event: EscalationEvent) -> [EscalationAction] {
        let actions = machine.handle(event, at: now, directory: directory)
        for action in actions {
            switch action {
            case .scheduleTimer(let timer, let at): timers.append((timer, at))
            case .cancelTimers: timers.removeAll()
            default: break
            }
        }
        log += actions
        return actions
    }

    /// Moves the clock to `target`, firing every due timer in time order; returns the actions of this advance.
    @discardableResult
    mutating func advance(to target: Timestamp) -> [EscalationAction] {
        var produced: [EscalationAction] = []
        while let index = timers.indices.filter({ timers[$0].1 <= target }).min(by: { timers[$0].1 < timers[$1].1 }) {
            let (timer, at) = timers.remove(at: index)
            now = max(now, at)
            produced += send(.timerFired(timer))
        }
        now = target
        return produced
    }

    @discardableResult
    mutating func advance(by span: TimeSpan) -> [EscalationAction] { advance(to: now + span) }
}

extension Array where Element == EscalationAction {
    var notifications: [NotificationRequest] {
        compactMap { if case .notify(let request) = $0 { request } else { nil } }
    }

    var timeline: [EscalationTimelineEntry] {
        compactMap { if case .recordTimeline(let entry) = $0 { entry } else { nil } }
    }

    var scheduled: [(EscalationTimer, Timestamp)] {
        compactMap { if case .scheduleTimer(let timer, let at) = $0 { (timer, at) } else { nil } }
    }

    func timeline(_ kind: EscalationTimelineEntry.Kind) -> [EscalationTimelineEntry] { timeline.filter { $0.kind == kind } }
}
