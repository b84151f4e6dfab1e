import VigilEvents

/// The JSON body of a generic webhook (version 1). Keys are snake_case and sorted.
public struct WebhookPayload: Sendable, Hashable, Codable {
    public struct Incident: Sendable, Hashable, Codable {
        public var id: String
        public var customer: String
        public var customerName: String?
        public var rule: String
        public var title: String
        public var summary: String
        public var level: String
        public var priority: String?
        public var urgency: String
        public var subjects: [String]
        public var firstSeen: String
        public var lastSeen: String
        public var count: Int
        public var slaDeadline: String?
        public var responseSteps: [String]
    }

    public var version = 1
    public var idempotencyKey: String
    public var recipient: String
    public var step: String
    public var incident: Incident
    public var subject: String
    public var text: String
    public var ackURL: String?

    public init(_ message: OutboundMessage) {
        let i = message.incident
        idempotencyKey = message.key.description
        recipient = message.recipientName
        step = message.stepLabel
        incident = Incident(
            id: i.id, customer: i.customer.rawValue, customerName: i.customerName, rule: i.ruleID, title: i.title, summary: i.summary,
            level: i.level.rawValue, priority: i.priority?.description, urgency: message.urgency.rawValue, subjects: i.subjects,
            firstSeen: i.firstSeen.rfc3339, lastSeen: i.lastSeen.rfc3339, count: i.count, slaDeadline: i.slaDeadline?.rfc3339,
            responseSteps: i.responseSteps)
        subject = message.page.subject
        text = message.page.text
        ackURL = message.page.ackURL
    }
}
