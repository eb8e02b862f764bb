import Foundation
import Testing
import TidingsBench
import TidingsClient

#if canImport(Glibc)
import Glibc
#endif

@Suite("the HTTP transport: waiting, timeouts, cancellation, hang-ups")
struct TransportTests {
    @Test("waiting on a new connection for a slow answer costs almost no CPU; a hang-up then exits 3")
    func waitsWithoutSpinning() async throws {
        let server = try SilentServer()
        let cli = try CLI.start(["feed", "--user", "ann", "--url", server.url, "--key", "sk"])
        let connection = try await server.accept(timeout: .seconds(30))
        let pid = cli.process.processIdentifier
        let before = try ProcessCPU.seconds(of: pid)
        // A measuring window, not a wait for an event: how much CPU does waiting take?
        let window = 2.0
        try await Task.sleep(for: .seconds(window))
        let used = try ProcessCPU.seconds(of: pid) - before
        close(connection)
        let result = try await cli.result()
        // The old URLSession transport spun a core here (about 0.8 s per second). Generous:
        // the machine may be busy, and the request is written inside the window.
        #expect(used < window / 4, "the CLI used \(used) s of CPU in \(window) s of waiting")
        #expect(result.status == 3, "\(result.stderr)")
        #expect(result.stderr.contains("cannot reach the server"))
    }

    @Test("no answer within the request timeout is unreachable: timed out")
    func timesOut() async throws {
        let server = try SilentServer()
        let client = try TidingsClient(
            baseURL: try #require(URL(string: server.url)), credential: "sk", requestTimeout: 0.5)
        guard let reason = await Self.unreachableReason({ _ = try await client.bulkOperation(id: "bulk_x") }) else {
            return
        }
        #expect(reason.contains("timed out"), "\(reason)")
        #expect(reason.contains("127.0.0.1:\(server.port)"), "\(reason)")
    }

    @Test("an answer whose body stalls after its head also ends at the request timeout")
    func bodyStallTimesOut() async throws {
        let server = try SilentServer()
        let client = try TidingsClient(
            baseURL: try #require(URL(string: server.url)), credential: "sk", requestTimeout: 0.5)
        let clock = ContinuousClock()
        let started = clock.now
        let request = Task { try await client.bulkOperation(id: "bulk_x") }
        let connection = try await server.accept(timeout: .seconds(30))
        defer { close(connection) }
        let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"id\""
        #expect(head.utf8.count == write(connection, head, head.utf8.count))
        guard let reason = await Self.unreachableReason({ _ = try await request.value }) else { return }
        #expect(reason.contains("timed out"), "\(reason)")
        #expect(clock.now - started < .seconds(30))  // the read timeout alone took 75 s; loose: a busy machine
    }

    @Test("cancelling a request that waits on a new connection ends it at once")
    func cancels() async throws {
        let server = try SilentServer()
        let client = try TidingsClient(baseURL: try #require(URL(string: server.url)), credential: "sk")
        let request = Task { try await client.feed(user: "ann", channel: "in-app") }
        let connection = try await server.accept(timeout: .seconds(30))
        defer { close(connection) }
        let clock = ContinuousClock()
        let started = clock.now
        request.cancel()
        await #expect(throws: CancellationError.self) { _ = try await request.value }
        #expect(clock.now - started < .seconds(20))  // loose: the machine may be busy
    }

    @Test("a refused connection is unreachable: connection refused")
    func refused() async throws {
        // Nothing listens on port 1, and no test may take it.
        let client = try TidingsClient(baseURL: try #require(URL(string: "http://127.0.0.1:1")), credential: "sk")
        let error = await #expect(throws: TidingsClientError.self) { _ = try await client.bulkOperation(id: "bulk_x") }
        #expect(error == .unreachable("http://127.0.0.1:1: connection refused"))
    }

    @Test("an IPv6 server is named in brackets; https to a plain-HTTP server is a TLS failure, not a dump")
    func reasons() async throws {
        let ipv6 = try TidingsClient(baseURL: try #require(URL(string: "http://[::1]:1")), credential: "sk")
        guard let why = await Self.unreachableReason({ _ = try await ipv6.bulkOperation(id: "bulk_x") }) else { return }
        #expect(why.hasPrefix("http://[::1]:1: "), "\(why)")  // refused, or no IPv6 here: named the same
        try await TestServer.with { server in
            let plain = try #require(URL(string: server.url.replacingOccurrences(of: "http://", with: "https://")))
            let client = try TidingsClient(baseURL: plain, credential: TestServer.apiKey)
            guard let reason = await Self.unreachableReason({ _ = try await client.bulkOperation(id: "bulk_x") }) else {
                return
            }
            #expect(reason.hasSuffix("TLS failure (is the server serving https?)"), "\(reason)")
        }
    }

    @Test(
        "a base URL with a port out of range is refused before any request",
        arguments: ["http://127.0.0.1:99999", "http://127.0.0.1:0", "http://h:65536", "http://h:99999999999999999999"])
    func portOutOfRange(url: String) throws {
        let base = try #require(URL(string: url))
        #expect(TidingsClient.baseURLProblem(base)?.contains("port") == true)
        #expect(throws: TidingsClientError.self) { try TidingsClient(baseURL: base, credential: "sk") }
        #expect(throws: TidingsClientError.self) { try BenchTarget(url: url, apiKey: "sk") }
    }

    @Test("base URLs with a port in range, an empty port, IPv6 or user info are fine")
    func portInRange() throws {
        for url in ["http://h:1", "https://h:65535/api", "http://h:/x", "http://[::1]:8080", "http://u:p@h:80"] {
            #expect(TidingsClient.baseURLProblem(try #require(URL(string: url))) == nil, "\(url)")
        }
    }

    /// Why `operation` found the server unreachable; records an issue, and returns nil, when
    /// it threw anything else or nothing.
    static func unreachableReason(
        _ operation: () async throws -> Void, sourceLocation: SourceLocation = #_sourceLocation
    ) async -> String? {
        let error = await #expect(throws: TidingsClientError.self, sourceLocation: sourceLocation) {
            try await operation()
        }
        guard case .unreachable(let reason) = error else {
            Issue.record("not unreachable: \(String(describing: error))", sourceLocation: sourceLocation)
            return nil
        }
        return reason
    }
}
