import Foundation

/// Runs a helper program (initdb, pg_ctl) to completion, optionally as another user through runuser,
/// with its output in a file.
///
/// Uses posix_spawn rather than Foundation's `Process`: `pg_ctl start` leaves a server running that inherits
/// the spawning process's descriptors, and `Process` on Linux learns of the exit through a descriptor the child
/// inherits, so it would wait for the server to stop. Here every descriptor above stderr is closed in the child,
/// and `waitpid` runs on a separate thread.
struct CommandRunner: Sendable {
    /// The account to run as (through `runuser -u`), nil for the current user.
    var user: String?
    var workingDirectory: String
    var outputFile: String

    struct Result: Sendable {
        var status: Int32
        var output: String
    }

    struct SpawnError: Error, CustomStringConvertible {
        var executable: String
        var errno: Int32
        var description: String { "cannot run \(executable): \(String(cString: strerror(errno)))" }
    }

    func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) async throws -> Result {
        let argv: [String] = user.map { [CommandRunner.runuserPath, "-u", $0, "--", executable] + arguments } ?? [executable] + arguments
        var env = ProcessInfo.processInfo.environment
        env["LC_ALL"] = "C"
        env["LANG"] = "C"
        for (k, v) in environment { env[k] = v }
        let envp = env.map { "\($0.key)=\($0.value)" }

        let out = open(outputFile, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard out >= 0 else { throw SpawnError(executable: outputFile, errno: errno) }
        defer { close(out) }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, out, 1)
        posix_spawn_file_actions_adddup2(&actions, out, 2)
        if let closeFrom = SpawnExtensions.addCloseFrom {
            _ = closeFrom(&actions, 3)
        } else {
            // glibc before 2.34: close what is open now (descriptors opened meanwhile are CLOEXEC in NIO and here).
            for fd in SpawnExtensions.openDescriptors() where fd > 2 && fd != out { posix_spawn_file_actions_addclose(&actions, fd) }
        }
        if let chdir = SpawnExtensions.addChdir {
            _ = chdir(&actions, workingDirectory)
        }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // A fresh process group, so a terminal's Ctrl-C reaches Vigil (which stops the server in order), not the server.
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        posix_spawnattr_setpgroup(&attributes, 0)
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var defaults = sigset_t()
        sigfillset(&defaults)
        posix_spawnattr_setsigdefault(&attributes, &defaults)

        var pid: pid_t = 0
        let spawned = withCStrings(argv) { cArgv in
            withCStrings(envp) { cEnv in
                posix_spawn(&pid, argv[0], &actions, &attributes, cArgv, cEnv)
            }
        }
        guard spawned == 0 else { throw SpawnError(executable: argv[0], errno: spawned) }

        let childPID = pid
        let status: Int32 = await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                var raw: Int32 = 0
                while waitpid(childPID, &raw, 0) < 0 && errno == EINTR {}
                // WIFEXITED / WEXITSTATUS, spelled out (the C macros are not imported).
                let exited = raw & 0x7F == 0
                continuation.resume(returning: exited ? (raw >> 8) & 0xFF : 128 + (raw & 0x7F))
            }
        }
        let text = (try? String(contentsOfFile: outputFile, encoding: .utf8)) ?? ""
        return Result(status: status, output: text)
    }

    static var runuserPath: String {
        ["/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser", "/bin/runuser"]
            .first { FileManager.default.isExecutableFile(atPath: $0) } ?? "/usr/sbin/runuser"
    }
}

/// glibc's `_np` spawn actions, which Swift's Glibc module does not import (they need _GNU_SOURCE); looked up at run time.
enum SpawnExtensions {
    typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    typealias AddChdir = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32

    static let addCloseFrom: AddCloseFrom? = lookup("posix_spawn_file_actions_addclosefrom_np")
    static let addChdir: AddChdir? = lookup("posix_spawn_file_actions_addchdir_np")

    private static func lookup<T>(_ name: String) -> T? {
        guard let handle = dlopen(nil, RTLD_NOW), let symbol = dlsym(handle, name) else { return nil }
        return unsafeBitCast(symbol, to: T.self)
    }

    static func openDescriptors() -> [Int32] {
        ((try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []).compactMap { Int32($0) }
    }
}

/// Calls `body` with a NULL-terminated C array of the strings.
private func withCStrings<R>(_ strings: [String], _ body: ([UnsafeMutablePointer<CChar>?]) -> R) -> R {
    let pointers = strings.map { strdup($0) } + [nil]
    defer { for p in pointers { free(p) } }
    return body(pointers)
}

extension String {
    /// The last `count` lines, for error messages.
    func lastLines(_ count: Int) -> String {
        split(separator: "\n", omittingEmptySubsequences: false).suffix(count).joined(separator: "\n")
    }
}
