import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// One request to send.
struct HTTPRequest: Sendable {
    var method: String
    var url: URL
    var headers: [(name: String, value: String)] = []
    var body: Data?
    /// How long until the whole answer, head and body, must have arrived.
    var timeout: TimeInterval
}

/// One HTTP answer, whatever its status.
struct HTTPResponse: Sendable {
    var status: Int
    var body: Data
    var retryAfter: Int?
}

/// Sends requests through its own AsyncHTTPClient `HTTPClient` on NIO's shared event loops:
/// it waits for an answer in `epoll`, where `URLSession` on Linux kept a core busy (its
/// libcurl glue left a write source firing once a new connection was up).
///
/// A class only so the `HTTPClient` is shut down when the last client holding it goes away.
final class HTTPTransport: Sendable {
    /// The largest answer body read; a feed page or a batch of 1,000 items is far smaller.
    static let maximumBodySize = 64 << 20

    private let client: HTTPClient

    /// `connectTimeout` bounds making a connection. `longestRequest` bounds waiting for any
    /// byte of an answer, so it must exceed the longest poll plus slack.
    init(connectTimeout: TimeInterval, longestRequest: TimeInterval) {
        // No redirects: the API never sends one, and following it could carry the secret key
        // to another host. A `3xx` is an error answer like any other.
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(connect: Self.amount(connectTimeout), read: Self.amount(longestRequest)))
        // A refused connection fails the request at once, as `URLSession` did; AsyncHTTPClient
        // would otherwise retry until the connect timeout. The caller decides about retrying
        // (FeedWatcher backs off; the CLI exits 3).
        configuration.connectionPool.retryConnectionEstablishment = false
        client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }

    deinit {
        // No request is running (each holds the transport), so this shutdown is clean; the
        // `HTTPClient` keeps itself alive until it has finished.
        client.shutdown { _ in }
    }

    /// Performs `request`. Throws `CancellationError` when the calling task is cancelled and
    /// `TidingsClientError.unreachable` when no HTTP answer arrived.
    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        var outgoing = HTTPClientRequest(url: request.url.absoluteString)
        outgoing.method = HTTPMethod(rawValue: request.method)
        for (name, value) in request.headers { outgoing.headers.replaceOrAdd(name: name, value: value) }
        if let body = request.body { outgoing.body = .bytes(body) }
        do {
            // One deadline for the whole exchange: AsyncHTTPClient's ends with the head, and a
            // body that stalled after it then failed only at the read timeout (75 s).
            let deadline = NIODeadline.now() + Self.amount(request.timeout)
            let response = try await client.execute(outgoing, deadline: deadline)
            let body = try await Self.collect(response.body, by: deadline)
            // A cancelled body read may end early rather than throw: never decode half an answer.
            try Task.checkCancellation()
            let retryAfter = response.headers.first(name: "Retry-After").flatMap { Int($0) }
            return HTTPResponse(
                status: Int(response.status.code), body: Data(body.readableBytesView), retryAfter: retryAfter)
        } catch {
            if Task.isCancelled || error is CancellationError || (error as? HTTPClientError) == .cancelled {
                throw CancellationError()
            }
            if error is NIOTooManyBytesError {
                throw TidingsClientError.invalidResponse("an answer larger than \(Self.maximumBodySize) bytes")
            }
            throw TidingsClientError.unreachable(Self.reason(for: error, url: request.url))
        }
    }

    /// The whole body, or `HTTPClientError.deadlineExceeded` once `deadline` passes (which
    /// cancels the read, and with it the request).
    private static func collect(_ body: HTTPClientResponse.Body, by deadline: NIODeadline) async throws -> ByteBuffer {
        try await withThrowingTaskGroup(of: ByteBuffer?.self) { group in
            group.addTask { try await body.collect(upTo: maximumBodySize) }
            group.addTask {
                let left = deadline - .now()
                try await Task.sleep(for: .nanoseconds(max(left.nanoseconds, 0)))
                return nil
            }
            defer { group.cancelAll() }
            guard let buffer = try await group.next() ?? nil else { throw HTTPClientError.deadlineExceeded }
            return buffer
        }
    }

    private static func amount(_ seconds: TimeInterval) -> TimeAmount {
        .milliseconds(Int64((max(seconds, 0) * 1000).rounded()))
    }
}
