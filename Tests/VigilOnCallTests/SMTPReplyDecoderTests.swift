import NIOCore
import NIOTestUtils
import Testing
@testable import VigilOnCall

@Suite struct SMTPReplyDecoderTests {
    @Test func decodesSingleAndMultiLineRepliesInAnyChunking() throws {
        let input = "220 mail.example ESMTP ready\r\n250-mail.example greets vigil\r\n250-STARTTLS\r\n250-AUTH PLAIN LOGIN\r\n250 SIZE 10240000\r\n354 End data with <CR><LF>.<CR><LF>\r\n221\r\n"
        let expected = [
            SMTPReply(code: 220, lines: ["mail.example ESMTP ready"]),
            SMTPReply(code: 250, lines: ["mail.example greets vigil", "STARTTLS", "AUTH PLAIN LOGIN", "SIZE 10240000"]),
            SMTPReply(code: 354, lines: ["End data with <CR><LF>.<CR><LF>"]),
            SMTPReply(code: 221, lines: [""]),
        ]
        try ByteToMessageDecoderVerifier.verifyDecoder(
            inputOutputPairs: [(ByteBuffer(string: input), expected)],
            decoderFactory: { SMTPReplyDecoder() })
    }

    @Test func acceptsBareLineFeeds() throws {
        try ByteToMessageDecoderVerifier.verifyDecoder(
            inputOutputPairs: [(ByteBuffer(string: "250-a\n250 b\n"), [SMTPReply(code: 250, lines: ["a", "b"])])],
            decoderFactory: { SMTPReplyDecoder() })
    }

    @Test(arguments: ["hello\r\n", "25\r\n", "250xok\r\n", "250-a\r\n251 b\r\n"])
    func rejectsMalformedReplies(_ text: String) {
        var decoder = SMTPReplyDecoder()
        var buffer = ByteBuffer(string: text)
        let error = #expect(throws: SMTPError.self) {
            while try decoder.next(&buffer) != nil {}
        }
        #expect(error?.code == .protocolViolation)
    }

    @Test func rejectsEndlessLines() {
        var decoder = SMTPReplyDecoder()
        var buffer = ByteBuffer(string: "250 " + String(repeating: "x", count: SMTPReplyDecoder.maximumLineLength + 10))
        #expect(throws: SMTPError.self) { _ = try decoder.next(&buffer) }
    }

    @Test func transienceFollowsTheReplyClass() {
        #expect(SMTPError(code: .rejected, reply: SMTPReply(code: 451, lines: ["try later"])).isTransient)
        #expect(!SMTPError(code: .rejected, reply: SMTPReply(code: 550, lines: ["no such user"])).isTransient)
        #expect(SMTPError(code: .timeout).isTransient)
        #expect(!SMTPError(code: .authenticationFailed).isTransient)
        #expect(!SMTPError(code: .startTLSUnavailable).isTransient)
    }

    @Test func dotStuffingAndMessageFormat() {
        #expect(SMTPConversation.dotStuffed("a\n.b\n..c\r\nd") == "a\r\n..b\r\n...c\r\nd")
        let mail = EmailMessage(from: EmailAddress(parsing: "Vigil SOC <vigil@soc.example>"), to: ["tom@soc.example"],
                                subject: "[P1] Fabrik Süd GmbH: Remote access", body: "Grüße\n.\nEnde", date: t("2026-11-21T02:13:05Z"),
                                messageID: "abc@soc.example")
        let text = mail.rendered()
        #expect(text.contains("From: Vigil SOC <vigil@soc.example>\r\n"))
        #expect(text.contains("Subject: =?UTF-8?B?"))
        #expect(text.contains("Date: Sat, 21 Nov 2026 02:13:05 +0000\r\n"))
        #expect(text.contains("Message-ID: <abc@soc.example>\r\n"))
        #expect(text.contains("Content-Transfer-Encoding: base64\r\n"))
        #expect(!text.contains("\n\n"), "only CRLF line ends")
        let ascii = EmailMessage(from: EmailAddress(address: "vigil@soc.example"), to: ["a@soc.example"], subject: "s", body: "plain\nbody",
                                 date: t("2026-11-21T02:13:05Z"), messageID: "x@y.example").rendered()
        #expect(ascii.hasSuffix("Content-Transfer-Encoding: 7bit\r\n\r\nplain\r\nbody"))
    }
}
