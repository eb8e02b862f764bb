import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// The tests' HTTP client, on NIO. Not URLSession: on Linux it wraps libcurl's sockets in
/// dispatch sources, and a session torn down while one of its sockets closes can crash the
/// whole test process inside libdispatch (`_dispatch_event_loop_drain`; CI saw it once in a
/// test that opened and invalidated a session per poll; swift-corelibs-foundation#4791).
enum TestHTTP {
    /// One client for the test process, never shut down. Every request a test has in flight
    /// at once gets a connection of its own (a poll that is cancelled closes its connection),
    /// and idle connections are dropped before any server's shortest idle timeout (1 s).
    static let client = HTTPClient(
        eventLoopGroupProvider: .singleton,
        configuration: HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            connectionPool: .init(idleTimeout: .milliseconds(500), concurrentHTTP1ConnectionsPerHostSoftLimit: 64)))

    /// One exchange; `timeout` bounds the whole of it, answer included.
    static func send(
        _ method: String, _ url: String, key: String?, body: String? = nil, timeout: Duration = .seconds(60)
    ) async throws -> (status: Int, body: Data) {
        var request = HTTPClientRequest(url: url)
        request.method = HTTPMethod(rawValue: method)
        if let key { request.headers.add(name: "Authorization", value: "Bearer \(key)") }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await client.execute(request, timeout: TimeAmount(timeout))
        let bytes = try await response.body.collect(upTo: 64 << 20)
        return (Int(response.status.code), Data(bytes.readableBytesView))
    }
}
