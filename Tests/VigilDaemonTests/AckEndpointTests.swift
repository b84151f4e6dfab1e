import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import PostgresNIO
import Testing
import VigilEvents
import VigilOnCall
import VigilTestSupport

/// Acknowledgement links and the API, through the real `vigil serve` and its HTTP endpoint.
@Suite(.serialized) struct AckEndpointTests {
    struct Reply {
        var status: Int
        var body: String
    }

    static func request(_ url: String, method: String = "GET", body: String? = nil, headers: [String: String] = [:]) async throws -> Reply {
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = method
        for (k, v) in headers { request.setValue(v, forHTTPHeaderField: k) }
        if let body { request.httpBody = Data(body.utf8) }
        let (data, response) = try await URLSession.shared.data(for: request)
        return Reply(status: (response as? HTTPURLResponse)?.statusCode ?? 0, body: String(decoding: data, as: UTF8.self))
    }

    @Test func aPagedLinkShowsTheIncidentAndItsButtonsAcknowledgeWhileForgedAndExpiredLinksAreRefused() async throws {
        let receiver = try await PagingReceiver.start()
        try await TestPostgres.withDatabase(maxConnections: 4) { client, database in
            let daemon = try await PagingDaemon.start(database: database, receiver: receiver)
            do {
                let id = try #require(try await PagingDaemon.raise(count: 1, client: client).first)
                #expect(try await PagingDaemon.eventually { receiver.pages.count == 1 })
                let link = try #require(receiver.pages.first?.json?["ack_url"] as? String)
                #expect(link.hasPrefix("\(daemon.baseURL)/ack/"))

                // GET shows, and changes nothing (link previewers fetch it).
                for _ in 0..<2 {
                    let page = try await Self.request(link)
                    #expect(page.status == 200)
                    for text in ["Nordbank AG", "SSH brute force, then a successful login", "P2 (high)", "resolve by", "Block 203.0.113.1",
                                 "value=\"acknowledge\"", "value=\"resolve\"", "method=\"post\"", "As Anna Becker."] {
                        #expect(page.body.contains(text), "missing \(text)")
                    }
                }
                #expect(try await PagingDaemon.column(client, "SELECT status FROM vigil.incidents", as: String.self) == ["new"])

                // Forged: the signature does not match; expired: genuine but old.
                let token = String(link.dropFirst("\(daemon.baseURL)/ack/".count))
                let forged = token.replacingOccurrences(of: ".", with: "x.", options: [], range: token.range(of: "."))
                #expect(try await Self.request("\(daemon.baseURL)/ack/\(forged)").status == 403)
                #expect(try await Self.request("\(daemon.baseURL)/ack/\(forged)", method: "POST", body: "action=acknowledge").status == 403)
                let secret = try String(contentsOfFile: daemon.stateDirectory + "/ack-secret", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
                let expired = try AckLinkSigner(secret: Secret(secret))
                    .token(for: AckClaims(incident: String(id), action: .resolve, recipient: "anna", expires: SystemClock().now - .minutes(1)))
                let gone = try await Self.request("\(daemon.baseURL)/ack/\(expired)", method: "POST", body: "action=acknowledge")
                #expect(gone.status == 410 && gone.body.contains("This link has expired"))
                #expect(try await PagingDaemon.column(client, "SELECT status FROM vigil.incidents", as: String.self) == ["new"])

                // The button: POST acknowledges as the person the link was sent to, and paging stops.
                let done = try await Self.request(link, method: "POST", body: "action=acknowledge")
                #expect(done.status == 200 && done.body.contains("Acknowledged by Anna Becker"))
                #expect(try await PagingDaemon.column(client, "SELECT status || ' ' || acknowledged_by FROM vigil.incidents", as: String.self)
                    == ["acknowledged Anna Becker"])
                #expect(try await PagingDaemon.eventually {
                    try await PagingDaemon.column(client, "SELECT phase FROM vigil.escalations", as: String.self) == ["acknowledged"]
                })
                #expect(try await PagingDaemon.column(client, "SELECT count(*) FROM vigil.escalation_timers", as: Int.self) == [0])

                // The API: bearer token from the state directory (generated, 0600), JSON in and out.
                let tokenPath = daemon.stateDirectory + "/api-token"
                let attributes = try FileManager.default.attributesOfItem(atPath: tokenPath)
                #expect((attributes[.posixPermissions] as? Int) == 0o600)
                let apiToken = try String(contentsOfFile: tokenPath, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
                let api = "\(daemon.baseURL)/api/incidents/\(id)/resolve"
                #expect(try await Self.request(api, method: "POST", body: "{\"actor\":\"mallory\"}").status == 401)
                #expect(try await Self.request(api, method: "POST", body: "{\"actor\":\"mallory\"}", headers: ["Authorization": "Bearer nope"]).status == 401)
                let auth = ["Authorization": "Bearer \(apiToken)", "Content-Type": "application/json"]
                #expect(try await Self.request(api, method: "POST", body: "{}", headers: auth).status == 400)
                #expect(try await Self.request("\(daemon.baseURL)/api/incidents/999999/resolve", method: "POST", body: "{\"actor\":\"ops\"}",
                                               headers: auth).status == 404)
                let resolved = try await Self.request(api, method: "POST", body: "{\"actor\":\"Ben Schulz\",\"note\":\"password reset\"}", headers: auth)
                #expect(resolved.status == 200)
                #expect(resolved.body == "{\"changed\":true,\"incident\":\(id),\"status\":\"resolved\"}")
                #expect(try await PagingDaemon.eventually {
                    try await PagingDaemon.column(client, "SELECT phase FROM vigil.escalations", as: String.self) == ["resolved"]
                })
                let timeline = try await PagingDaemon.column(client, """
                    SELECT kind || ' ' || actor || ': ' || detail FROM vigil.incident_timeline WHERE incident_id = \(id) ORDER BY id
                    """, as: String.self)
                #expect(timeline.contains("acknowledged Anna Becker: acknowledged by Anna Becker: via the acknowledgement link sent to anna"))
                #expect(timeline.contains("resolved Ben Schulz: resolved by Ben Schulz: password reset"))

                // Secrets and links never reach the log.
                let log = daemon.process.errorOutput
                for secretText in [secret, apiToken, token] { #expect(!log.contains(secretText)) }
            } catch {
                await daemon.stop()
                throw error
            }
            await daemon.stop()
        }
        await receiver.shutdown()
    }
}
