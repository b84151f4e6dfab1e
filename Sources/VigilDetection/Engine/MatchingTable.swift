import VigilEvents

/// The matchers of every customer in one table, indexed once: an event is looked up in one shared candidate index
/// (hot in the cache whatever the customer), and each candidate is then checked against the event's customer.
final class MatchingTable: Sendable {
    /// Distinct matchers of all programs; customers that add nothing to a rule share its slot.
    let slots: ContiguousArray<DetectionMatcher>
    /// `slots`, unretained (they keep the matchers alive), for the hot loop: no retain/release per candidate.
    let slotRefs: ContiguousArray<Unmanaged<DetectionMatcher>>
    let index: CandidateIndex
    /// Per customer: slot → index into that program's detections, or -1 when the customer does not run it.
    let instanceOfSlot: [CustomerID: [Int32]]

    static let empty = MatchingTable(programs: [:])

    init(programs: [CustomerID: CustomerProgram]) {
        var slotOf: [ObjectIdentifier: Int] = [:]
        var slots: ContiguousArray<DetectionMatcher> = []
        var options: [[[IndexAtom]]] = []
        var perCustomer: [CustomerID: [(Int, Int32)]] = [:]
        for (customer, program) in programs.sorted(by: { $0.key < $1.key }) {
            var pairs: [(Int, Int32)] = []
            for (i, d) in program.detections.enumerated() where d.emits || !d.consumers.isEmpty {
                let id = ObjectIdentifier(d.matcher)
                let slot: Int
                if let s = slotOf[id] {
                    slot = s
                } else {
                    slot = slots.count
                    slotOf[id] = slot
                    slots.append(d.matcher)
                    options.append(d.atoms)
                }
                pairs.append((slot, Int32(i)))
            }
            perCustomer[customer] = pairs
        }
        var table: [CustomerID: [Int32]] = [:]
        for (customer, pairs) in perCustomer {
            var map = [Int32](repeating: -1, count: slots.count)
            for (slot, i) in pairs { map[slot] = i }
            table[customer] = map
        }
        self.slots = slots
        self.slotRefs = ContiguousArray(slots.map { Unmanaged.passUnretained($0) })
        self.index = CandidateIndex(IndexAtom.choose(options))
        self.instanceOfSlot = table
    }
}
