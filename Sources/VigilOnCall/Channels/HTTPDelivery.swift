import AsyncHTTPClient
import NIOCore
import VigilEvents

/// Executes one provider request and classifies the answer.
enum HTTPDelivery {
    /// Sends `request`; `providerID` reads the provider's message id from a 2xx body.
    /// `timeout` bounds the whole exchange, body included, whatever the client's own deadline handling does.
    static func send(_ request: HTTPClientRequest, client: HTTPClient, timeout: TimeSpan,
                     providerID: @escaping @Sendable (String) -> String? = { _ in nil },
                     classify: (@Sendable (Int, String) -> DeliveryOutcome?)? = nil) async -> DeliveryOutcome {
        do {
            return try await withThrowingTaskGroup(of: DeliveryOutcome.self) { group in
                group.addTask {
                    try await exchange(request, client: client, timeout: timeout, providerID: providerID, classify: classify)
                }
                group.addTask {
                    try await Task.sleep(for: .nanoseconds(timeout.nanoseconds))
                    throw HTTPClientError.deadlineExceeded
                }
                defer { group.cancelAll() }
                guard let first = try await group.next() else { throw HTTPClientError.deadlineExceeded }
                return first
            }
        } catch {
            return HTTPOutcomeClassifier.classify(error: error)
        }
    }

    private static func exchange(_ request: HTTPClientRequest, client: HTTPClient, timeout: TimeSpan,
                                 providerID: @Sendable (String) -> String?,
                                 classify: (@Sendable (Int, String) -> DeliveryOutcome?)?) async throws -> DeliveryOutcome {
        let response = try await client.execute(request, timeout: .nanoseconds(timeout.nanoseconds))
        let buffer = try await response.body.collect(upTo: 64 * 1024)
        let body = String(buffer: buffer)
        if let special = classify?(Int(response.status.code), body) { return special }
        let id = (200..<300).contains(Int(response.status.code)) ? providerID(body) : nil
        return HTTPOutcomeClassifier.classify(status: response.status, headers: response.headers, body: body, providerID: id)
    }
}
