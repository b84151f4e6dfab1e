/// Sends a page through one provider and says how it went. Never throws: every failure is an outcome.
public protocol NotificationChannel: Sendable {
    func deliver(_ message: OutboundMessage) async -> DeliveryOutcome
}
