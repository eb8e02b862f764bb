/// An error a client can act on: an HTTP status, a stable machine-readable code and a
/// human message. Every failure the API reports is one of these (API.md section 8).
public struct TidingsError: Error, Sendable, Equatable {
    public let status: Int
    public let code: String
    public let message: String
    /// Seconds a client should wait before retrying (`429`, `503`).
    public let retryAfter: Int?
    /// Extra response headers the status calls for (`Allow` on a `405`).
    public let headers: [String: String]

    public init(status: Int, code: String, message: String, retryAfter: Int? = nil, headers: [String: String] = [:]) {
        self.status = status
        self.code = code
        self.message = message
        self.retryAfter = retryAfter
        self.headers = headers
    }
}

extension TidingsError: CustomStringConvertible {
    public var description: String { "\(status) \(code): \(message)" }
}
