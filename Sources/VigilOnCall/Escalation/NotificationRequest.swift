/// "Send this page now": the machine's instruction to the delivery shell.
public struct NotificationRequest: Sendable, Hashable, Codable {
    public var key: IdempotencyKey
    public var recipient: Recipient
    public var contact: ContactMethod
    public var urgency: PagingUrgency
    /// 0-based index of the policy step that paged.
    public var stepIndex: Int
    public var stepLabel: String

    public init(key: IdempotencyKey, recipient: Recipient, contact: ContactMethod, urgency: PagingUrgency, stepIndex: Int, stepLabel: String) {
        self.key = key
        self.recipient = recipient
        self.contact = contact
        self.urgency = urgency
        self.stepIndex = stepIndex
        self.stepLabel = stepLabel
    }
}
