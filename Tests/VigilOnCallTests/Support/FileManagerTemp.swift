import Foundation

/// Temporary files for tests.
enum FileManagerTemp {
    /// Writes `text` to a new temporary file and returns its path.
    static func write(_ text: String) -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-test-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: url.path, contents: Data(text.utf8))
        return url.path
    }
}
