import Foundation
import VigilDetection
import VigilEvents
import VigilIncidents

/// Builders for hits and events with fixed times (no wall clock).
enum Fixtures {
    static let t0 = Timestamp(seconds: 1_795_000_000)  // 2026-11-18T...Z

    static func event(_ seq: UInt64, customer: CustomerID = "bank-nord", message: String? = nil, fields: Fields = Fields(),
                      raw: [UInt8]? = nil) -> Event {
        let text = message ?? "Failed password for root from 203.0.113.7 port 4711 ssh2 #\(seq)"
        return Event(sequence: seq, customer: customer, eventTime: t0 + .seconds(Int64(seq)), receivedTime: t0 + .seconds(Int64(seq)),
                     source: EventSource(listener: "syslog-tls", peer: "198.51.100.2", peerPort: 51_000), format: .rfc5424,
                     message: text, fields: fields, raw: raw ?? Array("<38>1 - host sshd - - - \(text)".utf8))
    }

    static func hit(customer: CustomerID = "bank-nord", rule: String = "ssh-brute-force", level: Level = .medium,
                    group: [GroupValue] = [GroupValue(field: "source.ip", value: "203.0.113.7")], events: Int = 1,
                    firstSequence: UInt64 = 1, summary: String = "5 failed SSH logins from 203.0.113.7",
                    impact: Grade? = nil, urgency: Grade? = nil) -> Hit {
        let evidence = (0..<events).map { event(firstSequence + UInt64($0), customer: customer) }
        return Hit(ruleID: rule, ruleTitle: "SSH brute force", customer: customer, level: level, group: group, evidence: evidence,
                   eventSequences: evidence.map(\.sequence), firstTime: evidence.first?.eventTime ?? t0,
                   lastTime: evidence.last?.eventTime ?? t0, count: max(1, events), summary: summary,
                   responseSteps: ["Block 203.0.113.7 at the firewall", "Check for a successful login"], tags: ["attack.t1110"],
                   impact: impact, urgency: urgency)
    }

    static func detected(_ hit: Hit, at offset: Int64 = 0) -> DetectedHit {
        DetectedHit(hit: hit, detectedAt: t0 + .seconds(offset))
    }
}
