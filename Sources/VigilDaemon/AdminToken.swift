import Crypto
import Foundation

/// The bearer token for `/admin/*`: a random secret in `state_dir/admin-token` (mode 0600), made on first start.
public enum AdminToken {
    public static func path(stateDirectory: String) -> String { stateDirectory + "/admin-token" }

    /// Reads the token, creating the file when it does not exist yet.
    public static func loadOrCreate(stateDirectory: String) throws -> String {
        let file = path(stateDirectory: stateDirectory)
        if let existing = try? String(contentsOfFile: file, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines),
           !existing.isEmpty {
            return existing
        }
        try FileManager.default.createDirectory(atPath: stateDirectory, withIntermediateDirectories: true)
        let token = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        let created = FileManager.default.createFile(atPath: file, contents: Data((token + "\n").utf8),
                                                     attributes: [.posixPermissions: 0o600])
        guard created else { throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: file]) }
        return token
    }

    public static func read(stateDirectory: String) -> String? {
        (try? String(contentsOfFile: path(stateDirectory: stateDirectory), encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Constant-time comparison of a presented token with the real one.
    public static func matches(_ presented: String, _ expected: String) -> Bool {
        let a = Array(presented.utf8), b = Array(expected.utf8)
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for i in 0..<a.count { difference |= a[i] ^ b[i] }
        return difference == 0
    }
}
