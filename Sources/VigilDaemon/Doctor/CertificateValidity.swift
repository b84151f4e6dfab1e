import VigilEvents

/// Whether a certificate is valid at an instant, and for how long still; pure.
struct CertificateValidity: Sendable, Hashable {
    var notBefore: Timestamp
    var notAfter: Timestamp

    /// The finding for `subject` (e.g. "tls certificate /etc/vigil/tls/server.pem") at `now`.
    func finding(check: String, subject: String, now: Timestamp, warnDays: Int, okSuffix: String = "") -> DoctorFinding {
        let day: Int64 = 86_400
        if now < notBefore {
            return .fail(check, "\(subject) is not valid before \(Self.date(notBefore))",
                         fix: "check this machine's clock, or use a certificate that is valid now")
        }
        if now >= notAfter {
            let ago = (now.seconds - notAfter.seconds) / day
            return .fail(check, "\(subject) expired on \(Self.date(notAfter))" + (ago > 0 ? " (\(ago) day\(ago == 1 ? "" : "s") ago)" : ""),
                         fix: "renew it, then reload Vigil (systemctl reload vigil)")
        }
        let left = (notAfter.seconds - now.seconds) / day
        if left < Int64(warnDays) {
            return .warn(check, "\(subject) expires in \(left) day\(left == 1 ? "" : "s") (\(Self.date(notAfter)))", fix: "renew it")
        }
        return .ok(check, "\(subject) valid until \(Self.date(notAfter)) (\(left) days)\(okSuffix)")
    }

    /// `2026-12-03` (UTC).
    static func date(_ t: Timestamp) -> String { String(t.rfc3339.prefix(10)) }
}
