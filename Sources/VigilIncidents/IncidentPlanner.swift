import VigilDetection
import VigilEvents

/// Turns the hits of one dedup key into an ``IncidentPlan``. Pure: the store supplies the open incident
/// (if any) and the previous incident of the key (for `reopened_from`), and writes what comes back.
public struct IncidentPlanner: Sendable {
    /// Evidence events kept per incident; later ones are only counted.
    public var evidenceCap: Int

    public init(evidenceCap: Int = 100) {
        self.evidenceCap = max(0, evidenceCap)
    }

    /// - Parameters:
    ///   - hits: hits with the same dedup key, in arrival order; not empty.
    ///   - open: the key's open incident, nil when none is open.
    ///   - previousID: the key's most recent resolved or closed incident, linked as `reopened_from` of a new one.
    ///   - sla: the customer's resolution targets.
    public func plan(hits: [DetectedHit], open: OpenIncident?, previousID: Int64?, sla: SLAPolicy) -> IncidentPlan {
        precondition(!hits.isEmpty, "plan needs at least one hit")
        let first = hits[0]
        var timeline: [TimelineEntry] = []
        var classification: Classification
        var detectedAt: Timestamp
        var evidenceRoom: Int
        var remaining = hits[...]

        if let open {
            classification = open.classification
            detectedAt = open.detectedAt
            evidenceRoom = max(0, evidenceCap - open.evidenceCount)
        } else {
            classification = Classification(hit: first.hit)
            detectedAt = first.detectedAt
            evidenceRoom = evidenceCap
            var detail = "\(classification.priority.label) \(classification.priority.meaning), level \(classification.level.rawValue): \(first.hit.summary.isEmpty ? first.hit.ruleTitle : first.hit.summary)"
            if let previousID { detail += " (reopens incident \(previousID))" }
            timeline.append(TimelineEntry(kind: .created, at: first.detectedAt, actor: TimelineEntry.systemActor, detail: detail,
                                          hitID: first.hit.id, to: classification.priority.label))
            timeline.append(hitEntry(first))
            remaining = hits.dropFirst()
        }
        let before = classification
        for detected in remaining {
            let raised = classification.raised(by: Classification(hit: detected.hit))
            if raised.level != classification.level {
                timeline.append(TimelineEntry(kind: .levelRaised, at: detected.detectedAt, actor: TimelineEntry.systemActor,
                                              detail: "level raised from \(classification.level.rawValue) to \(raised.level.rawValue) by a later hit",
                                              hitID: detected.hit.id, from: classification.level.rawValue, to: raised.level.rawValue))
            }
            if raised.priority != classification.priority {
                timeline.append(TimelineEntry(kind: .priorityChanged, at: detected.detectedAt, actor: TimelineEntry.systemActor,
                                              detail: "priority changed from \(classification.priority.label) to \(raised.priority.label)",
                                              hitID: detected.hit.id, from: classification.priority.label, to: raised.priority.label))
            }
            classification = raised
            timeline.append(hitEntry(detected))
        }

        var evidence: [EvidenceItem] = []
        var overflow = 0
        for detected in hits {
            for event in detected.hit.evidence {
                if evidence.count < evidenceRoom {
                    evidence.append(EvidenceItem(hitID: detected.hit.id, event: event))
                } else {
                    overflow += 1
                }
            }
        }
        let firstTime = hits.lazy.map(\.hit.firstTime).min()!
        let lastTime = hits.lazy.map(\.hit.lastTime).max()!
        let eventCount = hits.reduce(0) { $0 + max(0, $1.hit.count) }
        let override = hits.last(where: { $0.hit.severityOverride != nil })?.hit.severityOverride
        let target = sla.target(for: classification.priority)
        let due = target.map { detectedAt + $0 }

        if let open {
            return .update(IncidentUpdate(
                id: open.id, classification: classification, reclassified: classification != before,
                slaTarget: target, dueAt: due, firstTime: firstTime, lastTime: lastTime,
                hitIDs: hits.map(\.hit.id), eventCount: eventCount, severityOverride: override,
                evidence: evidence, evidenceOverflow: overflow, timeline: timeline
            ))
        }
        return .create(NewIncident(
            key: first.key, ruleTitle: first.hit.ruleTitle, classification: classification,
            slaTarget: target, dueAt: due, firstTime: firstTime, lastTime: lastTime, detectedAt: detectedAt,
            hitIDs: hits.map(\.hit.id), eventCount: eventCount, summary: first.hit.summary,
            responseSteps: first.hit.responseSteps, tags: first.hit.tags, severityOverride: override,
            reopenedFrom: previousID, evidence: evidence, evidenceOverflow: overflow, timeline: timeline
        ))
    }

    private func hitEntry(_ detected: DetectedHit) -> TimelineEntry {
        let hit = detected.hit
        let what = hit.summary.isEmpty ? hit.ruleTitle : hit.summary
        return TimelineEntry(kind: .hit, at: detected.detectedAt, actor: TimelineEntry.systemActor,
                             detail: "hit (\(hit.count) event\(hit.count == 1 ? "" : "s"), level \(hit.level.rawValue)): \(what)",
                             hitID: hit.id)
    }
}

extension IncidentPlanner {
    /// Groups hits by dedup key, keeping first-arrival order of keys and arrival order within each key.
    public static func group(_ hits: [DetectedHit]) -> [(key: DedupKey, hits: [DetectedHit])] {
        var index: [DedupKey: Int] = [:]
        var groups: [(key: DedupKey, hits: [DetectedHit])] = []
        for detected in hits {
            let key = detected.key
            if let i = index[key] {
                groups[i].hits.append(detected)
            } else {
                index[key] = groups.count
                groups.append((key, [detected]))
            }
        }
        return groups
    }
}
