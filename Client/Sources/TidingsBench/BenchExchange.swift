import Foundation
import NIOCore
import NIOHTTP1
import TidingsClient

/// One request a load generator sends. The connection adds `Host`, `Authorization`,
/// `Accept`, and for a body `Content-Type` and `Content-Length`.
public struct BenchRequest: Sendable {
    public var method: HTTPMethod
    /// The path and query, already percent-encoded (see `BenchTarget`).
    public var path: String
    public var body: ByteBuffer?
    /// How long the answer may take before the connection gives up and closes.
    public var timeout: TimeAmount

    public init(_ method: HTTPMethod, _ path: String, body: ByteBuffer? = nil, timeout: TimeAmount = .seconds(60)) {
        self.method = method
        self.path = path
        self.body = body
        self.timeout = timeout
    }

    /// A request with a JSON body given as text.
    public init(_ method: HTTPMethod, _ path: String, json: String, timeout: TimeAmount = .seconds(60)) {
        self.init(method, path, body: ByteBuffer(string: json), timeout: timeout)
    }
}

/// A complete answer, with the monotonic times its request was written and its last byte
/// read, both taken on the connection's event loop (so a busy task pool does not skew them).
public struct BenchResponse: Sendable {
    public var status: Int
    public var body: ByteBuffer
    public var sentAt: NIODeadline
    public var receivedAt: NIODeadline

    /// From writing the request to reading the answer's last byte.
    public var latency: TimeAmount { receivedAt - sentAt }
    public var isSuccess: Bool { (200...299).contains(status) }

    /// The body decoded as `T`; throws `invalidResponse` when it is not.
    public func decode<T: Decodable>(_ type: T.Type) throws -> T {
        do {
            return try JSONCoding.decoder.decode(T.self, from: Data(body.readableBytesView))
        } catch {
            throw TidingsClientError.invalidResponse("\(T.self) expected, got: \(bodyExcerpt)")
        }
    }

    /// The error this answer stands for when it is not `2xx` (the server's code and message).
    public var error: TidingsClientError {
        TidingsClientError.server(status: status, code: errorCode, message: errorMessage, retryAfter: nil)
    }

    private var errorCode: String {
        (try? JSONCoding.decoder.decode(ErrorBody.self, from: Data(body.readableBytesView)))?.error.code
            ?? "http_\(status)"
    }

    private var errorMessage: String {
        (try? JSONCoding.decoder.decode(ErrorBody.self, from: Data(body.readableBytesView)))?.error.message
            ?? bodyExcerpt
    }

    var bodyExcerpt: String { String(decoding: body.readableBytesView.prefix(200), as: UTF8.self) }

    private struct ErrorBody: Decodable {
        struct Detail: Decodable {
            var code: String
            var message: String
        }
        var error: Detail
    }
}

/// Why a request got no answer.
public enum BenchTransportError: Error, Sendable, CustomStringConvertible {
    /// The connection closed before the whole answer arrived.
    case closed
    /// No whole answer within the request's timeout; the connection was closed.
    case timedOut(TimeAmount)
    /// A request was written while the previous one still waited (a bug in the caller).
    case busy

    public var description: String {
        switch self {
        case .closed: "the connection closed before the answer"
        case .timedOut(let amount): "no answer within \(Double(amount.nanoseconds) / 1e9) s"
        case .busy: "a request was still in flight on this connection"
        }
    }
}

/// A request on its way through the pipeline with the promise its answer completes.
struct Exchange: Sendable {
    var head: HTTPRequestHead
    var body: ByteBuffer?
    var timeout: TimeAmount
    var promise: EventLoopPromise<BenchResponse>
}
