import Foundation
import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import NIOPosix
import VigilEvents

/// Turns HTTP statuses and client errors into delivery outcomes.
///
/// 2xx delivered; 408, 425, 429 and 5xx retryable (honouring `Retry-After` seconds); other 4xx permanent.
/// Connection errors and timeouts are retryable. Reasons never include URLs (they may hold tokens).
public enum HTTPOutcomeClassifier {
    public static func classify(status: HTTPResponseStatus, headers: HTTPHeaders, body: String, providerID: String? = nil) -> DeliveryOutcome {
        let code = Int(status.code)
        let detail = "HTTP \(code)" + (body.isEmpty ? "" : ": \(snippet(body))")
        switch code {
        case 200..<300:
            return .delivered(providerID: providerID)
        case 408, 425, 429, 500..<600:
            return .retryableFailure(reason: detail, retryAfter: retryAfter(headers))
        default:
            return .permanentFailure(reason: detail)
        }
    }

    /// Errors from the HTTP client: all retryable, since the provider may not have seen the request.
    public static func classify(error: any Error) -> DeliveryOutcome {
        if let e = error as? HTTPClientError {
            if [.deadlineExceeded, .readTimeout, .connectTimeout, .writeTimeout].contains(e) {
                return .retryableFailure(reason: "timed out", retryAfter: nil)
            }
            if e == .remoteConnectionClosed { return .retryableFailure(reason: "connection closed by the provider", retryAfter: nil) }
            if e == .invalidURL || e == .emptyHost || e == .emptyScheme {
                return .permanentFailure(reason: "invalid provider URL")
            }
            return .retryableFailure(reason: "HTTP client error", retryAfter: nil)
        }
        if error is NIOConnectionError || error is IOError || error is ChannelError {
            return .retryableFailure(reason: "cannot connect to the provider", retryAfter: nil)
        }
        return .retryableFailure(reason: "delivery error (\(type(of: error)))", retryAfter: nil)
    }

    /// `Retry-After: <seconds>` as a span (the HTTP-date form is ignored).
    public static func retryAfter(_ headers: HTTPHeaders) -> TimeSpan? {
        headers.first(name: "Retry-After").flatMap { Int64($0.trimmingCharacters(in: .whitespaces)) }.map { .seconds($0) }
    }

    /// The first 200 characters of a response body, on one line.
    static func snippet(_ body: String) -> String {
        let line = body.replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "\r", with: " ")
        return line.count > 200 ? String(line.prefix(200)) + "…" : line
    }
}
