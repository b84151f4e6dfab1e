import Foundation
import VigilEvents

/// Builds hits: evidence within caps, level after climbing, summary from the template, playbook response.
struct HitBuilder {
    let program: CustomerProgram
    let options: EngineOptions

    func detectionHit(_ inst: DetectionInstance, event: Event, group: [GroupValue], occurrence: Int) -> Hit {
        let spec = inst.spec
        let level = spec.climb.map { $0.level(base: spec.level, occurrence: occurrence) } ?? spec.level
        let context = SummaryContext(builder: self, spec: spec, group: group, events: [event], count: 1, value: nil, distinct: [],
                                     first: event.eventTime, last: event.eventTime, timespan: nil, occurrence: occurrence, baseLevel: spec.level, level: level)
        return Hit(id: HitBuilder.id(program.customer, spec.ruleID, group, event.eventTime, event.eventTime, [event.sequence], 1),
                   ruleID: spec.ruleID, ruleTitle: spec.title, customer: program.customer, level: level, group: group,
                   evidence: [event], eventSequences: [event.sequence], firstTime: event.eventTime, lastTime: event.eventTime, count: 1,
                   summary: context.render(), responseSteps: spec.response.map { $0.render(context.lookup) }, tags: spec.tags, impact: spec.impact, urgency: spec.urgency,
                   severityOverride: severityOverride(spec, [event]))
    }

    func correlationHit(_ inst: CorrelationInstance, group: [GroupValue], entries: [Occurrence], value: Double, time: Int64, since: Int64?,
                        occurrence: Int) -> Hit
    {
        let spec = inst.spec
        var events: [Event] = []
        var sequences: [UInt64] = []
        var seen = Set<UInt64>()
        var first = Int64.max
        var last = Int64.min
        for o in entries {
            switch o.payload {
            case .event(let box):
                let e = box.event
                if seen.insert(e.sequence).inserted {
                    events.append(e)
                    if sequences.count < options.sequenceCap { sequences.append(e.sequence) }
                }
                first = min(first, e.eventTime.nanoseconds)
                last = max(last, e.eventTime.nanoseconds)
            case .hit(let box):
                let h = box.hit
                for e in h.evidence where seen.insert(e.sequence).inserted { events.append(e) }
                for q in h.eventSequences where sequences.count < options.sequenceCap && !sequences.contains(q) { sequences.append(q) }
                first = min(first, h.firstTime.nanoseconds)
                last = max(last, h.lastTime.nanoseconds)
            }
        }
        if inst.kind == .absence {
            first = since ?? time
            last = time
        }
        if first == .max { first = time }
        if last == .min { last = time }
        let evidence = HitBuilder.cap(events, options.evidenceCap)
        let level = spec.climb.map { $0.level(base: spec.level, occurrence: occurrence) } ?? spec.level
        let count = inst.kind == .absence ? 0 : entries.count
        var distinct: [String] = []
        if inst.kind == .valueCount {
            var s = Set<String>()
            for o in entries { if let k = o.valueKey, s.insert(k).inserted { distinct.append(k) } }
        }
        let context = SummaryContext(builder: self, spec: spec, group: group, events: events, count: count,
                                     value: inst.kind == .eventCount || inst.kind == .absence ? nil : value, distinct: distinct,
                                     first: Timestamp(nanoseconds: first), last: Timestamp(nanoseconds: last), timespan: inst.timespan,
                                     occurrence: occurrence, baseLevel: spec.level, level: level, kind: inst.kind)
        return Hit(id: HitBuilder.id(program.customer, spec.ruleID, group, Timestamp(nanoseconds: first), Timestamp(nanoseconds: last),
                                     Array(sequences.prefix(4)), count),
                   ruleID: spec.ruleID, ruleTitle: spec.title, customer: program.customer, level: level, group: group, evidence: evidence,
                   eventSequences: sequences, firstTime: Timestamp(nanoseconds: first), lastTime: Timestamp(nanoseconds: last), count: count,
                   summary: context.render(), responseSteps: spec.response.map { $0.render(context.lookup) }, tags: spec.tags, impact: spec.impact, urgency: spec.urgency,
                   severityOverride: severityOverride(spec, events))
    }

    /// The first and last events when there are more than `cap`.
    static func cap(_ events: [Event], _ cap: Int) -> [Event] {
        guard events.count > cap else { return events }
        let head = (cap + 1) / 2
        let tail = cap - head
        return Array(events.prefix(head)) + Array(events.suffix(tail))
    }

    func severityOverride(_ spec: HitSpec, _ events: [Event]) -> SeverityOverride? {
        for o in spec.overrides {
            if let when = o.when, !events.contains(where: { when.matches($0) }) { continue }
            return SeverityOverride(level: o.level, requestedBy: o.requestedBy, reason: o.reason)
        }
        return nil
    }

    /// A stable id: the same hit from the same events gets the same id on every replay.
    static func id(_ customer: CustomerID, _ rule: String, _ group: [GroupValue], _ first: Timestamp, _ last: Timestamp,
                   _ sequences: [UInt64], _ count: Int) -> UUID
    {
        var f = Fingerprint()
        f.add(customer.rawValue)
        f.add(rule)
        for g in group { f.add(g.field); f.add(g.value) }
        f.add(first.nanoseconds)
        f.add(last.nanoseconds)
        for s in sequences { f.add(Int64(bitPattern: s)) }
        f.add(Int64(count))
        let (hi, lo) = f.uuidBytes
        var bytes = [UInt8](repeating: 0, count: 16)
        for i in 0..<8 {
            bytes[i] = UInt8(truncatingIfNeeded: hi >> (56 - 8 * UInt64(i)))
            bytes[8 + i] = UInt8(truncatingIfNeeded: lo >> (56 - 8 * UInt64(i)))
        }
        return UUID(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                           bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
    }

    /// `2026-11-21 04:04:05 +01:00` in the customer's zone.
    func localTime(_ t: Timestamp) -> String {
        let offset = program.playbook.timeZone.offset(at: t)
        let c = CivilDateTime(t, offsetSeconds: offset)
        // Written byte by byte: every hit renders one or two of these, and string interpolation of eight parts
        // allocated and copied several times per call.
        let a = abs(offset)
        @inline(__always) func ok(_ v: Int) -> Bool { v >= 0 && v < 100 }
        guard ok(c.month), ok(c.day), ok(c.hour), ok(c.minute), ok(c.second), ok(a / 3600) else {
            func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
            return "\(c.year)-\(two(c.month))-\(two(c.day)) \(two(c.hour)):\(two(c.minute)):\(two(c.second)) \(offset < 0 ? "-" : "+")\(two(a / 3600)):\(two(a % 3600 / 60))"
        }
        var out = String(c.year)
        var tail: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                   UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &tail) { b in
            var i = 0
            func put(_ byte: UInt8) { b[i] = byte; i += 1 }
            func two(_ v: Int) { put(UInt8(48 + v / 10)); put(UInt8(48 + v % 10)) }
            put(0x2D); two(c.month); put(0x2D); two(c.day); put(0x20)
            two(c.hour); put(0x3A); two(c.minute); put(0x3A); two(c.second); put(0x20)
            put(offset < 0 ? 0x2D : 0x2B); two(a / 3600); put(0x3A); two(a % 3600 / 60)
            out += String(decoding: UnsafeRawBufferPointer(rebasing: b[0..<i]), as: UTF8.self)
        }
        return out
    }
}

/// What a summary template can name.
struct SummaryContext {
    let builder: HitBuilder
    let spec: HitSpec
    let group: [GroupValue]
    let events: [Event]
    let count: Int
    let value: Double?
    let distinct: [String]
    let first: Timestamp
    let last: Timestamp
    let timespan: TimeSpan?
    let occurrence: Int
    let baseLevel: Level
    let level: Level
    var kind: CorrelationKind?

    func lookup(_ name: String) -> String? {
        switch name {
        case "count": return String(count)
        case "rule.title", "title": return spec.title
        case "rule.id": return spec.ruleID
        case "rule.name": return spec.ruleName ?? spec.ruleID
        case "level": return level.rawValue
        case "customer": return builder.program.customer.rawValue
        case "customer.name": return builder.program.playbook.name
        case "first_time": return builder.localTime(first)
        case "last_time", "time": return builder.localTime(last)
        case "timespan": return timespan?.description
        case "value": return value.map { FieldValue.double($0).stringValue ?? "\($0)" }
        case "distinct": return String(distinct.count)
        case "values": return distinct.isEmpty ? nil : distinct.prefix(5).joined(separator: ", ") + (distinct.count > 5 ? ", …" : "")
        case "group": return group.isEmpty ? nil : group.map { "\($0.field)=\($0.value)" }.joined(separator: ", ")
        case "occurrence": return String(occurrence)
        default: break
        }
        return fieldText(name)
    }

    static let defaultFields = [("user.name", "user"), ("source.ip", "from"), ("host.name", "on host"), ("process.name", "process")]

    /// A field's text: the group value, else the newest event's value (what `lookup` gives for a field name).
    func fieldText(_ name: String) -> String? {
        if let g = group.first(where: { $0.field == name }) { return g.value }
        for e in events.reversed() {
            if let v = e.fieldValue(name), let s = DetectionEngine.text(v) { return s }
        }
        return nil
    }

    func render() -> String {
        var text: String
        if let template = spec.summary {
            text = template.render(lookup)
        } else {
            text = defaultSummary()
        }
        if level > baseLevel {
            text += " [hit \(occurrence) on this subject within \(spec.climb?.within.description ?? ""); level raised from \(baseLevel.rawValue) to \(level.rawValue)]"
        }
        return text
    }

    func defaultSummary() -> String {
        let groupText = group.isEmpty ? "" : " for " + group.map { "\($0.field) \($0.value)" }.joined(separator: ", ")
        switch kind {
        case .absence?:
            return "\(spec.title): nothing heard\(groupText) since \(builder.localTime(first)) (\(timespan?.description ?? "")) as of \(builder.localTime(last))"
        case nil:
            var parts: [String] = []
            for (field, label) in SummaryContext.defaultFields {
                if let v = fieldText(field) { parts.append(label + " " + v) }
            }
            return "\(spec.title)\(parts.isEmpty ? "" : ": " + parts.joined(separator: ", ")) at \(builder.localTime(last))"
        default:
            let what = value.map { " (\(kind.map { "\($0.name)" } ?? "value") \(FieldValue.double($0).stringValue ?? "\($0)"))" } ?? ""
            return "\(spec.title)\(groupText): \(count) event\(count == 1 ? "" : "s")\(what) between \(builder.localTime(first)) and \(builder.localTime(last))"
        }
    }
}
