import Crypto
import Foundation
import VigilOnCall

/// A secret generated once into the state directory (mode 0600) when the configuration names none:
/// the acknowledgement-link key and the HTTP API token. Its value is never logged.
enum StateSecret {
    /// Reads `state_dir/<name>`, creating it with 256 random bits (base64url) when it does not exist yet.
    static func loadOrCreate(stateDirectory: String, name: String) throws -> Secret {
        let path = stateDirectory + "/" + name
        if let existing = try? String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines), !existing.isEmpty {
            return Secret(existing)
        }
        try FileManager.default.createDirectory(atPath: stateDirectory, withIntermediateDirectories: true)
        let value = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        guard FileManager.default.createFile(atPath: path, contents: Data((value + "\n").utf8), attributes: [.posixPermissions: 0o600]) else {
            throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path])
        }
        return Secret(value)
    }

    /// The API tokens in a secret: one per line; blank lines and `#` comments are ignored.
    static func tokens(_ secret: Secret) -> [String] {
        secret.value.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty && !$0.hasPrefix("#") }
    }
}
