extension String {
    /// The string as PostgreSQL can store it: text columns and jsonb refuse NUL, so U+0000 becomes U+FFFD.
    var postgresSafe: String {
        guard utf8.contains(0) else { return self }
        var out = String.UnicodeScalarView()
        for scalar in unicodeScalars { out.append(scalar == "\u{0}" ? "\u{FFFD}" : scalar) }
        return String(out)
    }
}

extension Array where Element == String {
    var postgresSafe: [String] { map(\.postgresSafe) }
}
