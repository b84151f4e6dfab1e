import VigilEvents

/// Turns the machine's `NotificationRequest` into a ready-to-send message: renders the page in the
/// customer's zone and signs the acknowledgement link for this recipient.
public struct PageComposer: Sendable {
    public let directory: OnCallDirectory
    public let signer: AckLinkSigner?
    public let ackBaseURL: String?
    public let linkLifetime: TimeSpan

    public init(directory: OnCallDirectory, signer: AckLinkSigner?, ackBaseURL: String?, linkLifetime: TimeSpan = .hours(24)) {
        self.directory = directory
        self.signer = signer
        self.ackBaseURL = ackBaseURL
        self.linkLifetime = linkLifetime
    }

    public func compose(_ request: NotificationRequest, incident: OnCallIncident, at now: Timestamp) -> OutboundMessage {
        let zoneID = directory.config.customer(incident.customer.rawValue)?.timeZone ?? "UTC"
        let renderer = MessageRenderer(zone: directory.resolver.zone(zoneID))
        let name = directory.displayName(of: request.recipient)
        var link: String?
        if let signer, let ackBaseURL {
            let claims = AckClaims(incident: incident.id, action: .resolve, recipient: request.recipient.description,
                                   expires: now + linkLifetime)
            link = try? signer.link(baseURL: ackBaseURL, claims: claims)
        }
        let addressee: String? = if case .person = request.recipient { name } else { nil }
        let page = renderer.render(incident, recipientName: addressee, stepLabel: request.stepLabel, ackURL: link, now: now)
        return OutboundMessage(key: request.key, contact: request.contact, incident: incident, page: page, recipientName: name,
                               urgency: request.urgency, stepLabel: request.stepLabel)
    }
}
