import Foundation
import TidingsAPI

/// Why a call to the Tidings server failed.
///
/// The CLI maps these onto its exit statuses: `server` is 1, `unreachable` is 3.
public enum TidingsClientError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The server answered with an error status. `code` and `message` come from its JSON
    /// error body, or are made up from the status when the body was not JSON (a `414` from
    /// the HTTP layer, say). `retryAfter` is the `Retry-After` header in seconds, if any.
    case server(status: Int, code: String, message: String, retryAfter: Int?)
    /// No answer: the connection was refused, dropped or timed out.
    case unreachable(String)
    /// The server answered `2xx` with a body that is not what the contract says.
    case invalidResponse(String)
    /// A value given to the client cannot be put into a request (a bad base URL, say).
    case invalidRequest(String)

    /// The HTTP status when the server answered with an error.
    public var status: Int? {
        if case .server(let status, _, _, _) = self { status } else { nil }
    }

    /// The error code when the server answered with an error.
    public var code: String? {
        if case .server(_, let code, _, _) = self { code } else { nil }
    }

    /// Whether trying the same request again later can succeed: network failures, `429`,
    /// `502`–`504`, and a `500` (the server may be restarting).
    public var isTransient: Bool {
        switch self {
        case .unreachable: true
        case .server(let status, _, _, _): status == 429 || (500...504).contains(status)
        case .invalidResponse, .invalidRequest: false
        }
    }

    public var description: String {
        switch self {
        case .server(let status, let code, let message, _): "\(code) (HTTP \(status)): \(message)"
        case .unreachable(let reason): "server unreachable: \(reason)"
        case .invalidResponse(let reason): "unexpected response: \(reason)"
        case .invalidRequest(let reason): "invalid request: \(reason)"
        }
    }

    /// Builds the error for a non-`2xx` answer from its status and body.
    static func fromResponse(status: Int, body: [UInt8], retryAfter: Int?) -> TidingsClientError {
        if let decoded = try? JSONCoding.decoder.decode(ErrorResponse.self, from: .init(body)) {
            return .server(
                status: status, code: decoded.error.code, message: decoded.error.message, retryAfter: retryAfter)
        }
        let text = String(decoding: body.prefix(200), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return .server(
            status: status, code: "http_\(status)", message: text.isEmpty ? "HTTP status \(status)" : text,
            retryAfter: retryAfter)
    }
}
