import Testing
import VigilDetection
import VigilEvents
@testable import VigilOnCall

@Suite struct MessageRendererTests {
    let renderer = MessageRenderer(zone: ZoneRules(identifier: "Europe/Berlin")!)
    let now = t("2026-11-21T02:13:00Z")
    let link = "https://vigil.soc.example/ack/eyJ2IjoxfQ.c2lnbmF0dXJlLWJ5dGVzLWhlcmUtMzItYnl0ZXM"

    @Test func theFullTextSaysEverythingInPlainWords() {
        let page = renderer.render(Fixtures.incident(), recipientName: "Tom Fischer", stepLabel: "step 2 (service manager and L2)",
                                   ackURL: link, now: now)
        #expect(page.subject == "[P2] Nordbank AG: SSH brute force, then a successful login")
        let text = page.text
        #expect(text.hasPrefix("Tom Fischer, Nordbank AG needs the SOC: SSH brute force, then a successful login."))
        #expect(text.contains("What happened: 42 failed SSH logins for root from 203.0.113.7, then a successful one"))
        #expect(text.contains("Where: host db-07; source 203.0.113.7"))
        #expect(text.contains("Since: Sat 21 Nov 2026 03:04 (UTC+01:00), last seen 03:10, 7 times."))
        #expect(text.contains("Priority: P2 (high). Resolve by Sat 21 Nov 2026 11:04 (UTC+01:00) (in 7 hours 51 minutes)."))
        #expect(text.contains("You are paged at step 2 (service manager and L2) of the escalation."))
        #expect(text.contains("1. Call the bank's duty phone +49 30 1234 5678\n2. Block 203.0.113.7 at the perimeter firewall\n3. Reset"))
        #expect(text.contains("Acknowledge (stops further pages): \(link)"))
        #expect(text.contains("Incident INC-1."))
        for jargon in ["sigma", "rule_id", "level=", "null", "Optional"] { #expect(!text.contains(jargon)) }
    }

    @Test func smsIsShortAndKeepsTheLinkWhole() {
        let page = renderer.render(Fixtures.incident(), ackURL: link, now: now)
        #expect(page.sms.count <= MessageRenderer.smsLimit)
        #expect(page.sms.hasSuffix(" Ack: \(link)"))
        #expect(page.sms.hasPrefix("P2 Nordbank AG: SSH brute force"))
        var long = Fixtures.incident()
        long.title = String(repeating: "Very long scenario title ", count: 20)
        let longPage = renderer.render(long, ackURL: link, now: now)
        #expect(longPage.sms.count <= MessageRenderer.smsLimit)
        #expect(longPage.sms.contains("…"))
        #expect(longPage.sms.hasSuffix(link))
        let short = renderer.render(Fixtures.incident(), ackURL: "https://v.example/a/x", now: now)
        #expect(short.sms.count <= MessageRenderer.smsTarget, "\(short.sms.count): \(short.sms)")
    }

    @Test func voiceTextHasNoLinksAndSpellsThePriority() {
        let page = renderer.render(Fixtures.incident(priority: .p1), ackURL: link, now: now)
        #expect(!page.voice.contains("http"))
        #expect(page.voice.contains("Priority one incident for Nordbank AG."))
        #expect(page.voice.contains("Since 03:04, 7 times."))
        #expect(page.voice.contains("It must be resolved by 11:04, in 7 hours 51 minutes."))
        #expect(page.voice.contains("I repeat."))
    }

    @Test func overdueDeadlinesAndOverridesAreNamed() {
        let asked = SeverityOverride(level: .critical, requestedBy: "CISO Nordbank", reason: "contract annex 2")
        let page = renderer.render(Fixtures.incident(override: asked), ackURL: nil, now: t("2026-11-21T11:00:00Z"))
        #expect(page.text.contains("(overdue by 56 minutes)"))
        #expect(page.text.contains("Paged as critical at the customer's request (CISO Nordbank: contract annex 2)."))
        #expect(page.text.contains("Acknowledge with: vigil incidents ack INC-1"))
        #expect(page.ackURL == nil)
    }

    @Test func composerSignsALinkForTheRecipient() throws {
        let config = try Fixtures.example()
        let signer = try AckLinkSigner(secret: Secret(String(repeating: "k", count: 32)))
        let composer = PageComposer(directory: OnCallDirectory(config: config), signer: signer, ackBaseURL: "https://vigil.soc.example")
        let request = NotificationRequest(key: IdempotencyKey(incident: "INC-1", step: 1, contact: "tom.sms", attempt: 1),
                                          recipient: .person("tom"), contact: config.person("tom")!.contacts[1], urgency: .high,
                                          stepIndex: 1, stepLabel: "step 2 (service manager and L2)")
        let message = composer.compose(request, incident: Fixtures.incident(), at: now)
        let url = try #require(message.page.ackURL)
        #expect(url.hasPrefix("https://vigil.soc.example/ack/"))
        let claims = try signer.verify(String(url.dropFirst("https://vigil.soc.example/ack/".count)), now: now)
        #expect(claims == AckClaims(incident: "INC-1", action: .resolve, recipient: "tom", expires: now + .hours(24)))
        #expect(message.page.text.hasPrefix("Tom Fischer, Nordbank AG needs the SOC"))
        #expect(message.recipientName == "Tom Fischer")
    }
}
