import Foundation

/// What `postmaster.pid` in a data directory says, and whether that server is really running.
struct PostmasterStatus: Sendable, Hashable {
    var pid: Int32
    var port: Int
    var socketDirectory: String

    /// Reads `<dataDirectory>/postmaster.pid` (lines: pid, data dir, start time, port, socket dir, listen addr, ...).
    static func read(dataDirectory: String) -> PostmasterStatus? {
        guard let text = try? String(contentsOfFile: dataDirectory + "/postmaster.pid", encoding: .utf8) else { return nil }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard lines.count >= 5, let pid = Int32(lines[0].trimmingCharacters(in: .whitespaces)),
              let port = Int(lines[3].trimmingCharacters(in: .whitespaces))
        else { return nil }
        return PostmasterStatus(pid: pid, port: port, socketDirectory: lines[4].trimmingCharacters(in: .whitespaces))
    }

    /// True when the pid is alive and is a postmaster of `dataDirectory` (its working directory), so a pid
    /// reused by another process after a crash is not mistaken for the server.
    func isRunning(dataDirectory: String) -> Bool {
        guard pid > 0, kill(pid, 0) == 0 || errno == EPERM else { return false }
        guard let cwd = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/cwd") else {
            // No /proc (or not allowed to look): trust the live pid.
            return true
        }
        return URL(fileURLWithPath: cwd).standardizedFileURL.path == URL(fileURLWithPath: dataDirectory).resolvingSymlinksInPath().standardizedFileURL.path
            || URL(fileURLWithPath: cwd).resolvingSymlinksInPath().path == URL(fileURLWithPath: dataDirectory).resolvingSymlinksInPath().path
    }
}
