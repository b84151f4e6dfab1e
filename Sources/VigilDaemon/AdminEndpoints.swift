import Foundation
import Hummingbird
import NIOCore

/// `/admin/*`: operations for the local CLI, behind a bearer token from the state directory.
struct AdminEndpoints: Sendable {
    let token: String
    let reload: @Sendable () async -> ReloadOutcome

    func register(on router: Router<BasicRequestContext>) {
        router.post("/admin/reload") { request, _ in
            guard authorized(request) else {
                return Response(status: .unauthorized, headers: [.wwwAuthenticate: "Bearer"])
            }
            let outcome = await reload()
            let body = try JSONEncoder().encode(outcome)
            return Response(status: outcome.applied ? .ok : .unprocessableContent,
                            headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: body)))
        }
    }

    private func authorized(_ request: Request) -> Bool {
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer ") else { return false }
        return AdminToken.matches(String(header.dropFirst(7)), token)
    }
}
