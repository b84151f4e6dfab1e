import Foundation
import VigilEvents

/// A plain-text email, rendered to RFC 5322 with CRLF line ends.
public struct EmailMessage: Sendable, Hashable {
    public var from: EmailAddress
    public var to: [String]
    public var subject: String
    public var body: String
    public var date: Timestamp
    /// Without angle brackets, e.g. `3f2a…@vigil`.
    public var messageID: String
    public var extraHeaders: [(String, String)]

    public init(from: EmailAddress, to: [String], subject: String, body: String, date: Timestamp, messageID: String,
                extraHeaders: [(String, String)] = []) {
        self.from = from
        self.to = to
        self.subject = subject
        self.body = body
        self.date = date
        self.messageID = messageID
        self.extraHeaders = extraHeaders
    }

    public static func == (lhs: EmailMessage, rhs: EmailMessage) -> Bool {
        lhs.from == rhs.from && lhs.to == rhs.to && lhs.subject == rhs.subject && lhs.body == rhs.body && lhs.date == rhs.date
            && lhs.messageID == rhs.messageID && lhs.extraHeaders.map { "\($0.0): \($0.1)" } == rhs.extraHeaders.map { "\($0.0): \($0.1)" }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(messageID)
        hasher.combine(body)
    }

    /// Headers and body; 7bit when the body is plain ASCII, else base64 UTF-8.
    public func rendered() -> String {
        var lines: [String] = []
        lines.append("From: \(from.header)")
        lines.append("To: \(to.joined(separator: ", "))")
        lines.append("Subject: \(MIMEEncoding.headerText(subject.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")))")
        lines.append("Date: \(Self.rfc5322Date(date))")
        lines.append("Message-ID: <\(messageID)>")
        lines.append("MIME-Version: 1.0")
        for (name, value) in extraHeaders { lines.append("\(name): \(MIMEEncoding.headerText(value))") }
        let normalized = body.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        let ascii = normalized.utf8.allSatisfy { $0 < 0x80 } && normalized.split(separator: "\n").allSatisfy { $0.utf8.count <= 998 }
        if ascii {
            lines.append("Content-Type: text/plain; charset=us-ascii")
            lines.append("Content-Transfer-Encoding: 7bit")
            lines.append("")
            lines.append(normalized.replacingOccurrences(of: "\n", with: "\r\n"))
        } else {
            lines.append("Content-Type: text/plain; charset=utf-8")
            lines.append("Content-Transfer-Encoding: base64")
            lines.append("")
            lines.append(MIMEEncoding.base64Lines(Data(normalized.utf8)))
        }
        return lines.joined(separator: "\r\n")
    }

    /// `Sat, 21 Nov 2026 03:04:05 +0000`.
    static func rfc5322Date(_ t: Timestamp) -> String {
        let c = CivilDateTime(t)
        let day = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"][c.isoWeekday - 1]
        let month = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"][c.month - 1]
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(day), \(c.day) \(month) \(c.year) \(two(c.hour)):\(two(c.minute)):\(two(c.second)) +0000"
    }
}
