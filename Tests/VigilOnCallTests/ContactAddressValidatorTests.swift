import Testing
@testable import VigilOnCall

@Suite struct ContactAddressValidatorTests {
    @Test(arguments: ["+4915110000001", "+12125550101", "+4930123", "+861012345678901"])
    func acceptsE164(_ number: String) {
        #expect(ContactAddressValidator.phoneProblem(number) == nil)
    }

    @Test(arguments: ["015110000001", "+49 151 10000001", "+0491511", "+49151abc", "+123456", "+1234567890123456", "+", ""])
    func rejectsNonE164(_ number: String) {
        #expect(ContactAddressValidator.phoneProblem(number) != nil)
    }

    @Test(arguments: ["petra.hansen@soc.example", "a+tag@sub.domain.example", "o'brien@x.co", "x_y-z@a-b.example"])
    func acceptsEmail(_ address: String) {
        #expect(ContactAddressValidator.emailProblem(address) == nil)
    }

    @Test(arguments: ["petra", "@soc.example", "petra@", "petra@localhost", "pe..tra@soc.example", ".petra@soc.example",
                      "petra@-soc.example", "petra@soc.123", "pe tra@soc.example", "petra@soc_example.com",
                      String(repeating: "a", count: 65) + "@soc.example"])
    func rejectsEmail(_ address: String) {
        #expect(ContactAddressValidator.emailProblem(address) != nil)
    }

    @Test func urls() {
        #expect(ContactAddressValidator.urlProblem("https://tickets.soc.example/hooks/vigil", allowHTTP: false) == nil)
        #expect(ContactAddressValidator.urlProblem("http://127.0.0.1:8080/x", allowHTTP: true) == nil)
        #expect(ContactAddressValidator.urlProblem("http://127.0.0.1:8080/x", allowHTTP: false) != nil)
        #expect(ContactAddressValidator.urlProblem("ftp://x.example/", allowHTTP: true) != nil)
        #expect(ContactAddressValidator.urlProblem("https:///nohost", allowHTTP: true) != nil)
        #expect(ContactAddressValidator.urlProblem("https://x.example/a b", allowHTTP: true) != nil)
        #expect(ContactAddressValidator.urlProblem("not a url", allowHTTP: true) != nil)
    }

    @Test func slackWebhooks() {
        #expect(ContactAddressValidator.slackWebhookProblem("https://hooks.slack.com/services/T0VIGIL01/B0FELIX01/abcDEF123") == nil)
        #expect(ContactAddressValidator.slackWebhookProblem("https://chat.example/hooks/xyz") == nil, "Slack-compatible servers")
        #expect(ContactAddressValidator.slackWebhookProblem("https://hooks.slack.com/services/T0VIGIL01/abc") != nil)
        #expect(ContactAddressValidator.slackWebhookProblem("https://hooks.slack.com/workflows/T1/B2/c3") != nil)
        #expect(ContactAddressValidator.slackWebhookProblem("http://hooks.slack.com/services/T1/B2/c3") != nil)
    }

    @Test func telegramChats() {
        for ok in ["123456789", "-1001234567890", "@vigil_soc"] { #expect(ContactAddressValidator.telegramChatProblem(ok) == nil, "\(ok)") }
        for bad in ["0", "-", "12a", "@abc", "@1channel", "@bad-name", ""] {
            #expect(ContactAddressValidator.telegramChatProblem(bad) != nil, "\(bad)")
        }
    }

    @Test func redactionHidesPathAndQuery() {
        let redacted = ContactAddressValidator.redactedURL("https://hooks.slack.com/services/T1/B2/secretToken?x=1")
        #expect(redacted == "https://hooks.slack.com/…")
        #expect(!redacted.contains("secretToken"))
    }
}
