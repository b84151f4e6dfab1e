import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import VigilEvents
import VigilIncidents
import VigilOnCall
import VigilStore

/// Acknowledgement over HTTP.
///
/// - `GET /ack/<token>`: a small page with the incident and Acknowledge / Resolve buttons (it changes nothing).
/// - `POST /ack/<token>` (form `action=acknowledge|resolve`): does it, as the person the link was sent to.
///   A forged or malformed token gets 403, an expired one 410, each with a page that says so.
/// - `POST /api/incidents/<id>/ack` and `/resolve` with `Authorization: Bearer <token>` and JSON `{"actor": "…", "note": "…"}`.
///
/// Both go through the incident lifecycle (status, actor, time, timeline, `NOTIFY vigil_incident_status`) and then
/// tell the paging engine, which stops (or ends) the escalation. Tokens and links are never logged.
struct AckEndpoints: Sendable {
    let signer: AckLinkSigner
    let repository: IncidentRepository
    let engine: PagingEngine?
    /// Bearer tokens accepted by the API.
    let apiTokens: [String]
    let clock: any WallClock
    let logger: Logger

    enum Action: String { case acknowledge, resolve }

    func register(on router: Router<BasicRequestContext>) {
        router.get("/ack/:token") { _, context in
            await show(token: context.parameters.get("token") ?? "")
        }
        router.post("/ack/:token") { request, context in
            var request = request
            let body = (try? await request.collectBody(upTo: 4096)).map { String(buffer: $0) } ?? ""
            return await perform(token: context.parameters.get("token") ?? "", form: body)
        }
        router.post("/api/incidents/:id/ack") { request, context in
            await api(request, id: context.parameters.get("id"), action: .acknowledge)
        }
        router.post("/api/incidents/:id/resolve") { request, context in
            await api(request, id: context.parameters.get("id"), action: .resolve)
        }
    }

    // MARK: Links

    private func show(token: String) async -> Response {
        let claims: AckClaims
        switch verify(token) {
        case .success(let c): claims = c
        case .failure(let refusal): return refusal.response
        }
        return await incidentPage(claims, notice: nil)
    }

    private func perform(token: String, form: String) async -> Response {
        let claims: AckClaims
        switch verify(token) {
        case .success(let c): claims = c
        case .failure(let refusal): return refusal.response
        }
        guard let action = Self.formValue(form, "action").flatMap(Action.init(rawValue:)) else {
            return html(.badRequest, AckPage.refusal(title: "Nothing to do", message: "Use the Acknowledge or Resolve button."))
        }
        guard claims.allows(action == .acknowledge ? .acknowledge : .resolve) else {
            return html(.forbidden, AckPage.refusal(title: "Not allowed", message: "This link does not allow that."))
        }
        guard let id = Int64(claims.incident) else { return notFound(claims.incident) }
        let actor = displayName(claims.recipient)
        let note = "via the acknowledgement link sent to \(claims.recipient)"
        do {
            let outcome = try await transition(id, action, actor: actor, note: note)
            let notice: String = switch outcome {
            case .changed(_, let to): "\(to == .acknowledged ? "Acknowledged" : "Resolved") by \(actor). Thank you."
            case .unchanged(let status): action == .acknowledge && status == .acknowledged
                ? "Acknowledged by \(actor); paging has stopped." : "Nothing changed: the incident is already \(status.rawValue)."
            }
            logger.info("incident \(action == .acknowledge ? "acknowledged" : "resolved") through a link",
                        metadata: ["incident": "\(id)", "actor": "\(actor)"])
            return await incidentPage(claims, notice: notice)
        } catch let error as LifecycleError {
            return await incidentPage(claims, notice: "Not possible: \(error.description).")
        } catch let error as StoreError where error.code == .notFound {
            return notFound(claims.incident)
        } catch {
            logger.error("acknowledgement failed", metadata: ["incident": "\(id)", "error": "\(String(reflecting: error))"])
            return html(.serviceUnavailable, AckPage.refusal(title: "Try again", message: "Vigil cannot reach its database right now."))
        }
    }

    private func verify(_ token: String) -> Result<AckClaims, Refusal> {
        do {
            return .success(try signer.verify(token, now: clock.now))
        } catch {
            switch error.code {
            case .expired:
                return .failure(Refusal(html(.gone, AckPage.refusal(
                    title: "This link has expired",
                    message: "Links in pages are valid for a limited time. Acknowledge with `vigil incidents ack`, or use the link in a newer page."))))
            default:
                logger.notice("refused an acknowledgement link", metadata: ["reason": "\(error.code.rawValue)"])
                return .failure(Refusal(html(.forbidden, AckPage.refusal(
                    title: "This link is not valid", message: "It was not issued by this Vigil, or it was altered. Nothing was done."))))
            }
        }
    }

    /// Wraps a refusal response so it can travel in a `Result`.
    struct Refusal: Error { let response: Response; init(_ r: Response) { response = r } }

    private func incidentPage(_ claims: AckClaims, notice: String?) async -> Response {
        guard let id = Int64(claims.incident) else { return notFound(claims.incident) }
        do {
            guard let record = try await repository.incident(id) else { return notFound(claims.incident) }
            let config = engine?.runtime?.config
            let entry = config?.customer(record.customer.rawValue)
            let page = AckPage.Incident(
                id: record.id, customerName: entry?.name ?? record.customer.rawValue,
                what: record.ruleTitle.isEmpty ? record.ruleID : record.ruleTitle, summary: record.summary,
                subjects: record.group.map { "\($0.field) \($0.value)" }, firstSeen: record.firstEventAt, lastSeen: record.lastEventAt,
                count: record.eventCount > 0 ? record.eventCount : record.hitCount, priority: record.priority, dueAt: record.dueAt,
                status: record.status, statusText: AckPage.status(record), responseSteps: record.responseSteps,
                zone: entry.flatMap { ZoneRules(identifier: $0.timeZone) } ?? .utc, recipient: displayName(claims.recipient),
                allowsAcknowledge: claims.allows(.acknowledge), allowsResolve: claims.allows(.resolve))
            return html(.ok, AckPage.incident(page, now: clock.now, notice: notice))
        } catch {
            logger.error("cannot show an incident", metadata: ["incident": "\(id)", "error": "\(String(reflecting: error))"])
            return html(.serviceUnavailable, AckPage.refusal(title: "Try again", message: "Vigil cannot reach its database right now."))
        }
    }

    private func notFound(_ id: String) -> Response {
        html(.notFound, AckPage.refusal(title: "No such incident", message: "Incident \(id) does not exist (any more)."))
    }

    /// `Tom Fischer` for `tom`, from the running configuration; the id otherwise.
    private func displayName(_ recipient: String) -> String {
        guard let config = engine?.runtime?.config else { return recipient }
        if recipient.hasPrefix("channel:") { return config.channel(String(recipient.dropFirst(8)))?.name ?? recipient }
        return config.person(recipient)?.name ?? recipient
    }

    // MARK: API

    struct APIRequest: Decodable {
        var actor: String
        var note: String?
    }

    struct APIResult: Encodable {
        var incident: Int64
        var status: String
        var changed: Bool
    }

    private func api(_ request: Request, id text: String?, action: Action) async -> Response {
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer "),
              apiTokens.contains(where: { AdminToken.matches(String(header.dropFirst(7)), $0) }) else {
            return json(.unauthorized, ["error": "a valid bearer token is required"], headers: [.wwwAuthenticate: "Bearer"])
        }
        guard let text, let id = Int64(text) else { return json(.notFound, ["error": "no such incident"]) }
        var request = request
        guard let body = try? await request.collectBody(upTo: 16_384),
              let input = try? JSONDecoder().decode(APIRequest.self, from: Data(buffer: body)),
              !input.actor.trimmingCharacters(in: .whitespaces).isEmpty else {
            return json(.badRequest, ["error": "send JSON {\"actor\": \"name\", \"note\": \"optional\"}"])
        }
        do {
            let outcome = try await transition(id, action, actor: input.actor, note: input.note ?? "via the HTTP API")
            logger.info("incident \(action == .acknowledge ? "acknowledged" : "resolved") through the API",
                        metadata: ["incident": "\(id)", "actor": "\(input.actor)"])
            switch outcome {
            case .changed(_, let to): return json(.ok, APIResult(incident: id, status: to.rawValue, changed: true))
            case .unchanged(let s): return json(.ok, APIResult(incident: id, status: s.rawValue, changed: false))
            }
        } catch let error as LifecycleError {
            return json(.conflict, ["error": error.description])
        } catch let error as StoreError where error.code == .notFound {
            return json(.notFound, ["error": "no such incident"])
        } catch {
            logger.error("API acknowledgement failed", metadata: ["incident": "\(id)", "error": "\(String(reflecting: error))"])
            return json(.serviceUnavailable, ["error": "the database is not reachable"])
        }
    }

    // MARK: Shared

    /// The lifecycle change, then the paging engine at once (it would also hear NOTIFY; feeding it directly also
    /// stops a round that an acknowledgement timeout started on an already acknowledged incident).
    private func transition(_ id: Int64, _ action: Action, actor: String, note: String) async throws -> TransitionOutcome {
        let outcome = action == .acknowledge
            ? try await repository.acknowledge(id, by: actor, note: note)
            : try await repository.resolve(id, by: actor, note: note)
        do {
            if action == .acknowledge { try await engine?.acknowledged(incident: id, by: actor) } else { try await engine?.reconcile(incident: id) }
        } catch {
            logger.warning("the paging engine will catch up through NOTIFY", metadata: ["incident": "\(id)", "error": "\(String(reflecting: error))"])
        }
        return outcome
    }

    static func formValue(_ form: String, _ name: String) -> String? {
        for pair in form.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, parts[0] == name else { continue }
            return String(parts[1]).replacingOccurrences(of: "+", with: " ").removingPercentEncoding
        }
        return nil
    }

    private func html(_ status: HTTPResponse.Status, _ text: String) -> Response {
        Response(status: status, headers: [
            .contentType: "text/html; charset=utf-8", .cacheControl: "no-store",
            .contentSecurityPolicy: "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
            HTTPField.Name("Referrer-Policy")!: "no-referrer", HTTPField.Name("X-Content-Type-Options")!: "nosniff",
            HTTPField.Name("X-Robots-Tag")!: "noindex",
        ], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    private func json(_ status: HTTPResponse.Status, _ object: some Encodable, headers extra: HTTPFields = [:]) -> Response {
        var fields: HTTPFields = [.contentType: "application/json", .cacheControl: "no-store"]
        fields.append(contentsOf: extra)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let body = (try? encoder.encode(object)) ?? Data("{}".utf8)
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}
