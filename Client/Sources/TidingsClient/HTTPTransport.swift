import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// One HTTP answer, whatever its status.
struct HTTPResponse: Sendable {
    var status: Int
    var body: Data
    var retryAfter: Int?
}

/// Sends requests through one ephemeral `URLSession`: no cookies, no cache, nothing on disk.
///
/// A class only so the session is invalidated when the last client holding it goes away.
final class HTTPTransport: Sendable {
    private let session: URLSession

    /// `longestRequest` bounds every request, so it must exceed the longest poll plus slack.
    init(longestRequest: TimeInterval) {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = longestRequest
        configuration.timeoutIntervalForResource = longestRequest
        configuration.httpCookieStorage = nil
        configuration.urlCache = nil
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        session = URLSession(configuration: configuration)
    }

    deinit { session.finishTasksAndInvalidate() }

    /// Performs `request`. Throws `CancellationError` when the calling task is cancelled and
    /// `TidingsClientError.unreachable` when no HTTP answer arrived.
    func send(_ request: URLRequest) async throws -> HTTPResponse {
        let data: Data
        let response: URLResponse
        do {
            (data, response) = try await session.data(for: request)
        } catch {
            if Task.isCancelled || (error as? URLError)?.code == .cancelled || error is CancellationError {
                throw CancellationError()
            }
            throw TidingsClientError.unreachable(Self.reason(for: error, url: request.url))
        }
        guard let http = response as? HTTPURLResponse else {
            throw TidingsClientError.invalidResponse("not an HTTP response")
        }
        let retryAfter = http.value(forHTTPHeaderField: "Retry-After").flatMap { Int($0) }
        return HTTPResponse(status: http.statusCode, body: data, retryAfter: retryAfter)
    }

    /// A short human reason for a transport failure ("connection refused", …).
    static func reason(for error: any Error, url: URL?) -> String {
        let target =
            url.map { "\($0.scheme ?? "http")://\($0.host ?? "?")\($0.port.map { ":\($0)" } ?? "")" } ?? "server"
        guard let urlError = error as? URLError else { return "\(target): \(error)" }
        let what =
            switch urlError.code {
            case .cannotConnectToHost: "connection refused"
            case .timedOut: "timed out"
            case .networkConnectionLost: "connection lost"
            case .cannotFindHost, .dnsLookupFailed: "unknown host"
            case .notConnectedToInternet: "no network"
            case .badServerResponse: "bad HTTP response"
            case .secureConnectionFailed, .serverCertificateUntrusted: "TLS failure"
            default: "network error \(urlError.code.rawValue)"
            }
        return "\(target): \(what)"
    }
}
