/// Tuning of the incident sink; the daemon's configuration can embed it as an `incidents:` section.
///
/// ```yaml
/// incidents:
///   evidence_cap: 100           # evidence events kept per incident
///   batch_size: 4000            # hits per batch (split over the writers)
///   queue_capacity: 20000       # hits waiting in memory before submit() suspends
///   spool_max_bytes: 1GiB       # the spool refuses more (backpressure) beyond this
///   spool_alarm_percent: 80     # vigil_spool_alarm goes to 1 above this share of spool_max_bytes
///   retry_seconds: 2            # pause between attempts while the database is away
///   apply_timeout_seconds: 15   # a batch slower than this counts as a database outage
///   writers: 2                  # concurrent transactions per batch, split by dedup key
/// ```
public struct IncidentSinkSettings: Sendable, Hashable, Decodable {
    public var evidenceCap: Int = 100
    public var batchSize: Int = 4000
    public var queueCapacity: Int = 20_000
    public var spoolMaxBytes: Int64 = 1 << 30
    public var spoolAlarmPercent: Int = 80
    public var retrySeconds: Double = 2
    public var applyTimeoutSeconds: Double = 15
    /// Concurrent transactions a batch is split into (by dedup key, so they never contend).
    public var writers: Int = 2

    public init(evidenceCap: Int = 100, batchSize: Int = 4000, queueCapacity: Int = 20_000, spoolMaxBytes: Int64 = 1 << 30,
                spoolAlarmPercent: Int = 80, retrySeconds: Double = 2, applyTimeoutSeconds: Double = 15, writers: Int = 2) {
        self.evidenceCap = evidenceCap
        self.batchSize = batchSize
        self.queueCapacity = queueCapacity
        self.spoolMaxBytes = spoolMaxBytes
        self.spoolAlarmPercent = spoolAlarmPercent
        self.retrySeconds = retrySeconds
        self.applyTimeoutSeconds = applyTimeoutSeconds
        self.writers = max(1, writers)
    }

    /// The spool size at which the alarm gauge rises.
    public var spoolAlarmBytes: Int64 { spoolMaxBytes / 100 * Int64(spoolAlarmPercent) }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case evidenceCap = "evidence_cap"
        case batchSize = "batch_size"
        case queueCapacity = "queue_capacity"
        case spoolMaxBytes = "spool_max_bytes"
        case spoolAlarmPercent = "spool_alarm_percent"
        case retrySeconds = "retry_seconds"
        case applyTimeoutSeconds = "apply_timeout_seconds"
        case writers
    }

    public init(from decoder: any Decoder) throws {
        let all = try decoder.container(keyedBy: AnyKey.self)
        for key in all.allKeys where CodingKeys(stringValue: key.stringValue) == nil {
            let expected = CodingKeys.allCases.map(\.rawValue).joined(separator: ", ")
            throw DecodingError.dataCorruptedError(forKey: key, in: all, debugDescription: "unknown key '\(key.stringValue)' (expected one of: \(expected))")
        }
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init()
        evidenceCap = try c.decodeIfPresent(Int.self, forKey: .evidenceCap) ?? evidenceCap
        batchSize = try c.decodeIfPresent(Int.self, forKey: .batchSize) ?? batchSize
        queueCapacity = try c.decodeIfPresent(Int.self, forKey: .queueCapacity) ?? queueCapacity
        if let n = try? c.decodeIfPresent(Int64.self, forKey: .spoolMaxBytes) {
            spoolMaxBytes = n
        } else if let text = try c.decodeIfPresent(String.self, forKey: .spoolMaxBytes) {
            guard let n = Self.parseBytes(text) else {
                throw DecodingError.dataCorruptedError(forKey: .spoolMaxBytes, in: c, debugDescription: "expected a size such as 512MiB or 2GiB (got '\(text)')")
            }
            spoolMaxBytes = n
        }
        spoolAlarmPercent = try c.decodeIfPresent(Int.self, forKey: .spoolAlarmPercent) ?? spoolAlarmPercent
        retrySeconds = try c.decodeIfPresent(Double.self, forKey: .retrySeconds) ?? retrySeconds
        applyTimeoutSeconds = try c.decodeIfPresent(Double.self, forKey: .applyTimeoutSeconds) ?? applyTimeoutSeconds
        writers = try c.decodeIfPresent(Int.self, forKey: .writers) ?? writers
        for (key, ok, rule) in [(CodingKeys.evidenceCap, evidenceCap >= 0, ">= 0"), (.batchSize, batchSize >= 1, ">= 1"),
                                (.queueCapacity, queueCapacity >= 1, ">= 1"), (.spoolMaxBytes, spoolMaxBytes >= 1 << 20, ">= 1MiB"),
                                (.spoolAlarmPercent, (1...100).contains(spoolAlarmPercent), "1-100"),
                                (.retrySeconds, retrySeconds > 0, "> 0"), (.applyTimeoutSeconds, applyTimeoutSeconds > 0, "> 0"),
                                (.writers, (1...16).contains(writers), "1-16")] where !ok {
            throw DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription: "\(key.rawValue) must be \(rule)")
        }
    }

    /// `1048576`, `512KiB`, `64MiB`, `2GiB` (also KB/MB/GB as powers of 1024).
    static func parseBytes(_ text: String) -> Int64? {
        let units: [(String, Int64)] = [("KiB", 1 << 10), ("MiB", 1 << 20), ("GiB", 1 << 30), ("KB", 1 << 10), ("MB", 1 << 20), ("GB", 1 << 30), ("B", 1)]
        for (suffix, scale) in units where text.hasSuffix(suffix) {
            return Int64(text.dropLast(suffix.count).trimmingCharacters(in: .whitespaces)).map { $0 * scale }
        }
        return Int64(text)
    }
}

import Foundation
