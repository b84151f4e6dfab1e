/// Everything a channel needs to send one page.
public struct OutboundMessage: Sendable, Hashable, Codable {
    public var key: IdempotencyKey
    public var contact: ContactMethod
    public var incident: OnCallIncident
    public var page: RenderedPage
    public var recipientName: String
    public var urgency: PagingUrgency
    public var stepLabel: String

    public init(key: IdempotencyKey, contact: ContactMethod, incident: OnCallIncident, page: RenderedPage, recipientName: String,
                urgency: PagingUrgency, stepLabel: String) {
        self.key = key
        self.contact = contact
        self.incident = incident
        self.page = page
        self.recipientName = recipientName
        self.urgency = urgency
        self.stepLabel = stepLabel
    }
}
