import Foundation
import Testing
import VigilEvents
import VigilIncidents
@testable import VigilDaemon

/// The acknowledgement page's HTML: plain words, escaped, POST buttons only where the lifecycle allows them.
@Suite struct AckPageTests {
    @Test func everythingIsEscapedAndTheButtonsPost() {
        let html = AckPage.incident(Self.incident(status: .new, customer: "Nordbank <AG> & \"Co\""), now: Self.t0)
        #expect(html.contains("Nordbank &lt;AG&gt; &amp; &quot;Co&quot;"))
        #expect(!html.contains("<script>"))
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(html.contains("<form method=\"post\">"))
        #expect(html.contains("value=\"acknowledge\"") && html.contains("value=\"resolve\""))
        #expect(html.contains("name=\"viewport\""))
        #expect(html.contains("resolve by 2026-11-21 10:00 (+00:00) — 8 h left"))
        #expect(html.contains("P2 (high)"))
        #expect(html.contains("<li>Block 203.0.113.7</li>"))
    }

    @Test func buttonsFollowTheStatusAndTheLink() {
        func page(_ status: IncidentStatus, ack: Bool = true, resolve: Bool = true) -> String {
            AckPage.incident(Self.incident(status: status, ack: ack, resolve: resolve), now: Self.t0 + .hours(9))
        }
        #expect(page(.new).contains("overdue by 1 h"))
        #expect(page(.acknowledged).contains("I am on it") && page(.acknowledged).contains("value=\"resolve\""))
        #expect(!page(.resolved).contains("<form"))
        #expect(!page(.closed).contains("<form"))
        #expect(!page(.new, ack: true, resolve: false).contains("value=\"resolve\""))
    }

    @Test func formValuesAreDecoded() {
        #expect(AckEndpoints.formValue("x=1&action=acknowledge", "action") == "acknowledge")
        #expect(AckEndpoints.formValue("action=re%73olve", "action") == "resolve")
        #expect(AckEndpoints.formValue("note=a+b", "note") == "a b")
        #expect(AckEndpoints.formValue("", "action") == nil)
    }

    static let t0 = Timestamp(seconds: 1_795_226_400)  // 2026-11-21T02:00:00Z

    static func incident(status: IncidentStatus, customer: String = "C", ack: Bool = true, resolve: Bool = true) -> AckPage.Incident {
        AckPage.Incident(id: 42, customerName: customer, what: "SSH brute force", summary: "<script>alert(1)</script>",
                         subjects: ["source.ip 203.0.113.7"], firstSeen: t0 - .minutes(6), lastSeen: t0, count: 42, priority: .p2,
                         dueAt: t0 + .hours(8), status: status, statusText: status.rawValue, responseSteps: ["Block 203.0.113.7"], zone: .utc,
                         recipient: "Tom", allowsAcknowledge: ack, allowsResolve: resolve)
    }
}
