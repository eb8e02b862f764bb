import NIOCore
import NIOHTTP1
import NIOPosix
import TidingsClient

/// One keep-alive HTTP/1.1 connection to the server, one request at a time, built on
/// NIOHTTP1's client codec. Cheap enough to hold ten thousand of them open at once.
public final class BenchConnection: Sendable {
    let channel: any Channel
    let target: BenchTarget

    private init(channel: any Channel, target: BenchTarget) {
        self.channel = channel
        self.target = target
    }

    /// Connects to `target` on one of `group`'s event loops; throws `unreachable` when the
    /// connection cannot be made (refused, no route, out of file descriptors).
    static func connect(to target: BenchTarget, on group: any EventLoopGroup) async throws -> BenchConnection {
        let bootstrap = ClientBootstrap(group: group)
            .connectTimeout(.seconds(10))
            .channelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(ExchangeHandler())
                }
            }
        do {
            let channel = try await bootstrap.connect(host: target.host, port: target.port).get()
            return BenchConnection(channel: channel, target: target)
        } catch {
            throw TidingsClientError.unreachable("cannot connect to \(target.authority): \(Self.describe(error))")
        }
    }

    /// Whether the connection can still carry a request.
    public var isActive: Bool { channel.isActive }

    /// Writes `request` and returns the future of its answer; it fails with a
    /// `BenchTransportError` (or the channel's error) when no whole answer arrives.
    public func start(_ request: BenchRequest) -> EventLoopFuture<BenchResponse> {
        let promise = channel.eventLoop.makePromise(of: BenchResponse.self)
        var headers = HTTPHeaders()
        headers.reserveCapacity(5)
        headers.add(name: "Host", value: target.authority)
        if let key = target.apiKey { headers.add(name: "Authorization", value: "Bearer \(key)") }
        headers.add(name: "Accept", value: "application/json")
        if let body = request.body {
            headers.add(name: "Content-Type", value: "application/json")
            headers.add(name: "Content-Length", value: String(body.readableBytes))
        }
        let head = HTTPRequestHead(version: .http1_1, method: request.method, uri: request.path, headers: headers)
        let exchange = Exchange(head: head, body: request.body, timeout: request.timeout, promise: promise)
        channel.writeAndFlush(exchange).whenFailure { promise.fail($0) }
        return promise.futureResult
    }

    /// Sends `request` and waits for its whole answer, whatever its status.
    public func send(_ request: BenchRequest) async throws -> BenchResponse {
        try await start(request).get()
    }

    /// Sends `request` and returns its answer when it is `2xx`; throws the server's error otherwise.
    public func expectSuccess(_ request: BenchRequest) async throws -> BenchResponse {
        let response = try await send(request)
        guard response.isSuccess else { throw response.error }
        return response
    }

    /// Closes the connection; a request still waiting fails with `BenchTransportError.closed`.
    public func close() { channel.close(promise: nil) }

    /// A short reason for a connection failure: `EMFILE` and `ECONNREFUSED` by name.
    static func describe(_ error: any Error) -> String {
        if let failure = error as? NIOConnectionError {
            if let first = failure.connectionErrors.first { return describe(first.error) }
            if let dns = failure.dnsAAAAError ?? failure.dnsAError { return "cannot resolve the host (\(dns))" }
        }
        if let io = error as? IOError {
            switch io.errnoCode {
            case EMFILE, ENFILE: return "too many open files (raise the file descriptor limit, ulimit -n)"
            case ECONNREFUSED: return "connection refused"
            default: return "\(io)"
            }
        }
        return "\(error)"
    }
}
