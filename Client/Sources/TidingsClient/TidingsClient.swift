import Foundation
import TidingsAPI

/// A typed async client for the Tidings HTTP API (API.md sections 4–7).
///
/// Every call sends `Authorization: Bearer <credential>` (a secret API key or a user token),
/// decodes the shared wire types of `TidingsAPI`, and throws `TidingsClientError` for an
/// error answer or a server that cannot be reached, and `CancellationError` when the calling
/// task is cancelled (a waiting long poll ends within milliseconds).
public struct TidingsClient: Sendable {
    /// The longest `timeout` a long poll may ask for; the server treats larger values as this.
    public static let maximumPollTimeout = 60
    /// How much longer than its `timeout` the client waits for a poll's answer.
    public static let pollSlack: TimeInterval = 15

    /// The server's base URL, e.g. `http://127.0.0.1:8080` (a path prefix is kept).
    public let baseURL: URL
    /// The bearer credential: a secret API key or a user token; `nil` sends none.
    public let credential: String?
    /// How long an ordinary (non-poll) request may take.
    public let requestTimeout: TimeInterval
    let transport: HTTPTransport

    /// A client for the server at `baseURL`; throws `invalidRequest` unless it is an
    /// `http` or `https` URL with a host, and a port in `validPorts` if it names one.
    public init(baseURL: URL, credential: String?, requestTimeout: TimeInterval = 30) throws {
        if let problem = Self.baseURLProblem(baseURL) {
            throw TidingsClientError.invalidRequest("the server URL \(problem), not '\(baseURL)'")
        }
        self.baseURL = baseURL
        self.credential = credential
        self.requestTimeout = requestTimeout
        self.transport = HTTPTransport(
            connectTimeout: requestTimeout,
            longestRequest: max(requestTimeout, TimeInterval(Self.maximumPollTimeout) + Self.pollSlack))
    }

    /// Sends one request and returns the answer when its status is `2xx`; throws
    /// `TidingsClientError.server` for any other status.
    func send(
        _ method: String, _ path: [String], query: [(String, String)] = [], body: Data? = nil,
        headers: [String: String] = [:], timeout: TimeInterval? = nil
    ) async throws -> HTTPResponse {
        var request = HTTPRequest(
            method: method, url: try url(path, query: query), body: body, timeout: timeout ?? requestTimeout)
        request.headers.append(("Accept", "application/json"))
        if let credential { request.headers.append(("Authorization", "Bearer \(credential)")) }
        if body != nil { request.headers.append(("Content-Type", "application/json")) }
        request.headers += headers.map { ($0.key, $0.value) }
        let response = try await transport.send(request)
        guard (200...299).contains(response.status) else {
            throw TidingsClientError.fromResponse(
                status: response.status, body: Array(response.body), retryAfter: response.retryAfter)
        }
        return response
    }

    /// Sends one request and decodes its `2xx` body as `T`.
    func send<T: Decodable>(
        _ type: T.Type, _ method: String, _ path: [String], query: [(String, String)] = [], body: Data? = nil,
        headers: [String: String] = [:], timeout: TimeInterval? = nil
    ) async throws -> T {
        let response = try await send(method, path, query: query, body: body, headers: headers, timeout: timeout)
        return try Self.decode(T.self, from: response.body)
    }

    static func decode<T: Decodable>(_ type: T.Type, from body: Data) throws -> T {
        do {
            return try JSONCoding.decoder.decode(T.self, from: body)
        } catch {
            throw TidingsClientError.invalidResponse("cannot read the answer as \(T.self): \(error)")
        }
    }

    static func encode(_ value: some Encodable) throws -> Data {
        do {
            return try JSONCoding.encoder.encode(value)
        } catch {
            throw TidingsClientError.invalidRequest("cannot encode the request body: \(error)")
        }
    }

    /// The URL of `path` (segments, each percent-encoded on its own, so a user id may hold
    /// `/` or `?`) under the base URL, with `query`.
    func url(_ path: [String], query: [(String, String)]) throws -> URL {
        var text = baseURL.absoluteString
        if let mark = text.firstIndex(where: { $0 == "?" || $0 == "#" }) { text = String(text[..<mark]) }
        while text.hasSuffix("/") { text.removeLast() }
        for segment in path { text += "/" + Self.percentEncoded(segment) }
        if !query.isEmpty {
            text +=
                "?" + query.map { "\(Self.percentEncoded($0.0))=\(Self.percentEncoded($0.1))" }.joined(separator: "&")
        }
        guard let url = URL(string: text) else {
            throw TidingsClientError.invalidRequest("cannot build a URL from \(text)")
        }
        return url
    }

    private static let unreserved = CharacterSet(
        charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    static func percentEncoded(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? text
    }
}
