import VigilEvents

/// Moves event time forward for customers that went quiet, so windows close and silences are noticed
/// without any new event, while a replayed backlog (old timestamps) still correlates on its own time.
///
/// For each customer: newest event time seen plus the wall time elapsed since that customer's last event,
/// minus the allowed lateness. Pure: the caller passes the wall time.
struct IdleWatermark {
    private struct Seen {
        var newestEventTime: Timestamp
        var lastArrival: Timestamp
    }

    private var customers: [CustomerID: Seen] = [:]
    let allowedLateness: TimeSpan

    init(allowedLateness: TimeSpan) { self.allowedLateness = allowedLateness }

    mutating func observe(_ event: Event, arrivedAt now: Timestamp) {
        if var seen = customers[event.customer] {
            seen.newestEventTime = max(seen.newestEventTime, event.eventTime)
            seen.lastArrival = now
            customers[event.customer] = seen
        } else {
            customers[event.customer] = Seen(newestEventTime: event.eventTime, lastArrival: now)
        }
    }

    /// The watermark every customer of the shard can accept at wall time `now`: the least of the
    /// per-customer extrapolations. nil before any event.
    func watermark(at now: Timestamp) -> Timestamp? {
        customers.values.map { $0.newestEventTime + (now - $0.lastArrival) - allowedLateness }.min()
    }
}
