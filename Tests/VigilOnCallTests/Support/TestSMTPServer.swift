import Foundation

/// A real SMTP server on 127.0.0.1: aiosmtpd (PyPI, `python3 -m pip install aiosmtpd`) started by the
/// test, with optional STARTTLS and AUTH. Received messages come back as JSON lines.
final class TestSMTPServer: @unchecked Sendable {
    struct Received: Decodable, Sendable {
        var mail_from: String
        var rcpt_tos: [String]
        var data: String
        var authenticated: Bool
        var tls: Bool
    }

    struct Options {
        var startTLS = true
        var auth = true
        var username = "vigil"
        var password = "s3cret-pass"
    }

    let port: Int
    private let process: Process
    private let directory: URL
    private let output: URL

    private init(port: Int, process: Process, directory: URL, output: URL) {
        self.port = port
        self.process = process
        self.directory = directory
        self.output = output
    }

    static func start(_ options: Options = Options()) async throws -> TestSMTPServer {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-smtp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let script = directory.appendingPathComponent("server.py")
        try serverScript.write(to: script, atomically: true, encoding: .utf8)
        try TestCertificate.certificatePEM.write(to: directory.appendingPathComponent("cert.pem"), atomically: true, encoding: .utf8)
        try TestCertificate.privateKeyPEM.write(to: directory.appendingPathComponent("key.pem"), atomically: true, encoding: .utf8)
        let output = directory.appendingPathComponent("out.jsonl")
        let errors = directory.appendingPathComponent("err.txt")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errors.path, contents: nil)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script.path, directory.path, options.startTLS ? "tls" : "plain", options.auth ? "auth" : "noauth",
                             options.username, options.password]
        process.standardOutput = try FileHandle(forWritingTo: output)
        process.standardError = try FileHandle(forWritingTo: errors)
        try process.run()

        for _ in 0..<200 {
            if let line = lines(output).first, let data = line.data(using: .utf8),
               let ready = try? JSONDecoder().decode([String: Int].self, from: data), let port = ready["port"] {
                return TestSMTPServer(port: port, process: process, directory: directory, output: output)
            }
            if !process.isRunning { break }
            try await Task.sleep(nanoseconds: 50_000_000)
        }
        process.terminate()
        let stderr = (try? String(contentsOf: errors, encoding: .utf8)) ?? ""
        throw SetupError(message: "aiosmtpd did not start (install it with `python3 -m pip install aiosmtpd`): \(stderr)")
    }

    struct SetupError: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }

    /// Messages received so far (after the ready line).
    var received: [Received] {
        Self.lines(output).dropFirst().compactMap { try? JSONDecoder().decode(Received.self, from: Data($0.utf8)) }
    }

    /// Waits until `count` messages have arrived (or a few seconds passed).
    func waitForMessages(_ count: Int) async throws -> [Received] {
        for _ in 0..<100 {
            let now = received
            if now.count >= count { return now }
            try await Task.sleep(nanoseconds: 50_000_000)
        }
        return received
    }

    /// Stops the server: SIGTERM, then SIGKILL if it is still there after two seconds. The wait runs on a
    /// thread of its own, so a test's `defer` does not hold one of the few cooperative threads all tests share.
    func stop() {
        let process = self.process
        let directory = self.directory
        Thread.detachNewThread { Self.terminate(process, directory) }
    }

    /// Stops the server and returns once it has exited (its port is closed).
    func stopAndWait() async {
        let process = self.process
        let directory = self.directory
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            Thread.detachNewThread {
                Self.terminate(process, directory)
                done.resume()
            }
        }
    }

    private static func terminate(_ process: Process, _ directory: URL) {
        if process.isRunning {
            process.terminate()
            for _ in 0..<40 where process.isRunning { usleep(50_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: directory)
    }

    private static func lines(_ url: URL) -> [String] {
        ((try? String(contentsOf: url, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    static let serverScript = #"""
import asyncio, json, os, signal, ssl, sys
from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

# The test process may block SIGTERM; a child inherits that mask. Unblock it so stop() works.
signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
signal.signal(signal.SIGTERM, signal.SIG_DFL)

directory, mode, auth, username, password = sys.argv[1:6]

class Handler:
    async def handle_DATA(self, server, session, envelope):
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": list(envelope.rcpt_tos),
            "data": envelope.original_content.decode("utf-8", "replace"),
            "authenticated": bool(session.authenticated),
            "tls": session.ssl is not None,
        }
        print(json.dumps(record), flush=True)
        return "250 OK queued as vigil-test-1"

def authenticator(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and auth_data.login == username.encode() and auth_data.password == password.encode()
    return AuthResult(success=ok, handled=False)

async def main():
    context = None
    if mode == "tls":
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(os.path.join(directory, "cert.pem"), os.path.join(directory, "key.pem"))
    use_auth = auth == "auth"
    def factory():
        return SMTP(Handler(), hostname="localhost", tls_context=context, require_starttls=context is not None,
                    authenticator=authenticator if use_auth else None, auth_required=use_auth,
                    auth_require_tls=context is not None)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(factory, "127.0.0.1", 0)
    print(json.dumps({"port": server.sockets[0].getsockname()[1]}), flush=True)
    parent = os.getppid()
    while os.getppid() == parent:  # exit with the test process, even if it is killed
        await asyncio.sleep(0.5)

asyncio.run(main())
"""#
}
