import NIOCore

/// Deterministic sample lines for the ingest benchmarks: 1,000 distinct lines per format.
enum IngestCorpus {
    static let count = 1000

    private static let users = ["root", "alice", "bob", "admin", "oracle", "deploy", "postgres", "ubuntu"]
    private static let hosts = ["web01", "web02", "db01.prod.example.com", "bastion", "fw-edge-1"]

    private static func ip(_ i: Int) -> String { "203.0.113.\(i % 250 + 1)" }
    private static func port(_ i: Int) -> Int { 1024 + (i * 7919) % 64000 }
    private static func user(_ i: Int) -> String { users[i % users.count] }
    private static func host(_ i: Int) -> String { hosts[i % hosts.count] }

    /// sshd and sudo messages as hosts send them.
    static func message(_ i: Int) -> (program: String, text: String) {
        switch i % 5 {
        case 0, 1: return ("sshd", "Failed password for \(user(i)) from \(ip(i)) port \(port(i)) ssh2")
        case 2: return ("sshd", "Accepted publickey for \(user(i)) from \(ip(i)) port \(port(i)) ssh2: ED25519 SHA256:Xv2Lh0cWlbmOjUaB9tHzKcm5F5mKzvG3eYlKcD3c4Qk")
        case 3: return ("sshd", "Invalid user \(user(i))\(i % 97) from \(ip(i)) port \(port(i))")
        default: return ("sudo", "\(user(i)) : TTY=pts/\(i % 9) ; PWD=/home/\(user(i)) ; USER=root ; COMMAND=/usr/bin/systemctl restart nginx")
        }
    }

    /// `logger --rfc5424`-style lines with a timeQuality element (~170 bytes).
    static let rfc5424: [[UInt8]] = (0..<count).map { i in
        let (program, text) = message(i)
        let frac = String(100_000 + i * 37 % 900_000)
        let sd = i % 4 == 3 ? "-" : #"[timeQuality tzKnown="1" isSynced="1" syncAccuracy="\#(500 + i)"]"#
        return Array("<\(32 + i % 8)>1 2026-11-21T16:\(10 + i % 50):\(10 + i % 49).\(frac)+00:00 \(host(i)) \(program) \(3000 + i) - \(sd) \(text)".utf8)
    }

    /// Classic BSD syslog lines (~110 bytes).
    static let rfc3164: [[UInt8]] = (0..<count).map { i in
        let (program, text) = message(i)
        return Array("<\(32 + i % 8)>Nov \(i % 2 == 0 ? " " : "")\(i % 2 == 0 ? 1 + i % 9 : 10 + i % 18) 16:\(10 + i % 50):\(10 + i % 49) \(host(i)) \(program)[\(3000 + i)]: \(text)".utf8)
    }

    /// ECS-shaped JSON objects, about 300 bytes each (a nested object per ECS field set, a message, a time).
    static let json: [[UInt8]] = (0..<count).map { i in
        let (program, text) = message(i)
        let outcome = i % 5 == 2 ? "success" : "failure"
        return Array(#"{"@timestamp":"2026-11-21T16:\#(10 + i % 50):\#(10 + i % 49).\#(100 + i % 900)Z","host":{"name":"\#(host(i))"},"process":{"name":"\#(program)"},"event":{"category":"authentication","outcome":"\#(outcome)"},"user":{"name":"\#(user(i))"},"source":{"ip":"\#(ip(i))","port":\#(port(i))},"message":"\#(text)"}"#.utf8)
    }

    /// CEF lines as a firewall sends them (~230 bytes).
    static let cef: [[UInt8]] = (0..<count).map { i in
        Array("CEF:0|Palo Alto Networks|PAN-OS|10.1.0|TRAFFIC|end|\(i % 10)|rt=Nov 21 2026 16:\(10 + i % 50):\(10 + i % 49) GMT src=10.1.\(i % 200).5 dst=\(ip(i)) spt=\(port(i)) dpt=443 proto=TCP act=allow suser=\(user(i)) cs1Label=Rule cs1=allow-web-\(i % 13) msg=session ended after \(i % 300) s".utf8)
    }

    /// All RFC 5424 lines in one buffer, octet-counted (RFC 6587), as a TCP stream delivers them.
    static let rfc5424OctetCounted: ByteBuffer = {
        var buffer = ByteBuffer()
        for line in rfc5424 {
            buffer.writeString("\(line.count) ")
            buffer.writeBytes(line)
        }
        return buffer
    }()

    /// All JSON lines in one buffer, LF-terminated.
    static let jsonLines: ByteBuffer = {
        var buffer = ByteBuffer()
        for line in json {
            buffer.writeBytes(line)
            buffer.writeInteger(UInt8(ascii: "\n"))
        }
        return buffer
    }()

    static var averageSizes: String {
        func avg(_ lines: [[UInt8]]) -> Int { lines.reduce(0) { $0 + $1.count } / lines.count }
        return "rfc5424 \(avg(rfc5424)) B, rfc3164 \(avg(rfc3164)) B, json \(avg(json)) B, cef \(avg(cef)) B"
    }
}
