import Foundation
import TidingsClient

/// The server a benchmark loads: where it listens and the secret key that lets it create
/// messages for any user. Builds the request paths of API.md, percent-encoded.
public struct BenchTarget: Sendable, Hashable {
    public let host: String
    public let port: Int
    /// A path prefix the server is mounted under (empty for none), without a trailing `/`.
    public let basePath: String
    /// Sent as the bearer credential of every request, when there is one.
    public let apiKey: String?

    /// The target for a `http://host[:port][/prefix]` URL; throws `invalidRequest` for
    /// anything else (the load generator speaks plain HTTP/1.1 only).
    public init(url: String, apiKey: String?) throws {
        guard let components = URLComponents(string: url), components.scheme?.lowercased() == "http",
            let host = components.host, !host.isEmpty,
            let parsed = URL(string: url), TidingsClient.baseURLProblem(parsed) == nil
        else {
            throw TidingsClientError.invalidRequest("bench needs an http:// server URL with a host, not '\(url)'")
        }
        self.host = host
        self.port = components.port ?? 80
        var path = components.percentEncodedPath
        while path.hasSuffix("/") { path.removeLast() }
        self.basePath = path
        self.apiKey = apiKey
    }

    /// `host:port`, for the `Host` header and messages.
    public var authority: String { port == 80 ? host : "\(host):\(port)" }

    /// The server's URL, for reports.
    public var url: String { "http://\(authority)\(basePath)" }

    func path(_ segments: [String], query: [(String, String)] = []) -> String {
        var path = basePath + "/" + segments.map(Self.escape).joined(separator: "/")
        if !query.isEmpty {
            path += "?" + query.map { "\(Self.escape($0.0))=\(Self.escape($0.1))" }.joined(separator: "&")
        }
        return path
    }

    /// `GET /v1/users/{user}/feeds/{channel}` with a page size and `mark_seen`.
    public func feedPath(user: String, channel: String, pageSize: Int = 50, markSeen: Bool = false) -> String {
        path(
            ["v1", "users", user, "feeds", channel],
            query: [("page_size", String(pageSize)), ("mark_seen", markSeen ? "true" : "false")])
    }

    /// `GET /v1/users/{user}/feeds/{channel}/updates`, waiting up to `timeout` seconds after `since`.
    public func updatesPath(user: String, channel: String, since: String?, timeout: Int) -> String {
        let query = since.map { [("since", $0), ("timeout", String(timeout))] } ?? []
        return path(["v1", "users", user, "feeds", channel, "updates"], query: query)
    }

    /// `POST /v1/channels/{channel}/messages`.
    public func createPath(channel: String) -> String { path(["v1", "channels", channel, "messages"]) }

    /// `POST /v1/channels/{channel}/messages/bulk/{action}`.
    public func bulkPath(channel: String, action: String) -> String {
        path(["v1", "channels", channel, "messages", "bulk", action])
    }

    /// `GET /v1/bulk_operations/{id}`.
    public func bulkOperationPath(id: String) -> String { path(["v1", "bulk_operations", id]) }

    /// `GET /metrics`.
    public var metricsPath: String { basePath + "/metrics" }

    private static let unreserved = CharacterSet(
        charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")

    static func escape(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? text
    }
}
