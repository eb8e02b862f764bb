import Foundation
import Testing
import TidingsAPI

/// HTTP/1.x rules that clients rely on and HTTP libraries hide: `Expect: 100-continue`,
/// HTTP/1.0 connections, and connections that a `Connection: close` answer ends.
@Suite("HTTP/1.x semantics on a real socket", .serialized)
struct HTTPSemanticsTests {
    static let key = OperationsTests.key

    @Test("Expect: 100-continue gets 100 Continue before the body is sent, then the final answer")
    func expectContinue() async throws {
        let server = try await ServerProcess(environment: ["TIDINGS_API_KEYS": Self.key])
        defer { server.stop() }
        let body = #"{"recipients":["ann"],"blocks":[{"type":"text","content":"x"}]}"#
        let connection = try RawConnection(port: server.port)
        connection.send(Self.createHead(expecting: body))
        let interim = connection.read(through: "\r\n\r\n")
        #expect(interim?.hasPrefix("HTTP/1.1 100 Continue\r\n") == true, "\(interim ?? "nothing")")
        Self.sendBodyExpectingCreated(body, on: connection)
    }

    /// The head of a create of `body` that waits for `100 Continue`, then closes.
    static func createHead(expecting body: String) -> String {
        "POST /v1/channels/in-app/messages HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(key)\r\n"
            + "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n"
            + "Expect: 100-continue\r\nConnection: close\r\n\r\n"
    }

    /// Sends the body a `100 Continue` asked for; its create must be answered `201`.
    static func sendBodyExpectingCreated(_ body: String, on connection: RawConnection) {
        connection.send(body)
        let answer = RawConnection.answers(in: connection.readToEnd().0).first
        #expect(answer?.head.hasPrefix("201 ") == true, "\(answer?.head ?? "no answer")")
    }

    @Test("Expect: 100-continue behind a waiting poll gets its 100 right after the poll's answer")
    func expectContinueBehindPoll() async throws {
        let server = try await ServerProcess(environment: ["TIDINGS_API_KEYS": Self.key])
        defer { server.stop() }
        let since = try await LongPollTests.cursor(server, user: "ann")
        let body = #"{"recipients":["ann"],"blocks":[{"type":"text","content":"x"}]}"#
        let connection = try RawConnection(port: server.port)
        connection.send(
            "GET /v1/users/ann/feeds/in-app/updates?since=\(since)&timeout=1 HTTP/1.1\r\nHost: x\r\n"
                + "Authorization: Bearer \(Self.key)\r\n\r\n" + Self.createHead(expecting: body))
        // Byte by byte up to the 100: the poll's whole answer first, then the interim one.
        let before = connection.read(through: "HTTP/1.1 100 Continue\r\n\r\n") ?? "no 100"
        #expect(before.hasPrefix("HTTP/1.1 200 OK") && before.contains(#""cursor""#), "\(before)")
        Self.sendBodyExpectingCreated(body, on: connection)
    }

    @Test("a body declared over the limit with Expect: 100-continue gets 413 at once, no 100")
    func expectContinueTooLarge() async throws {
        let server = try await ServerProcess(environment: ["TIDINGS_API_KEYS": Self.key])
        defer { server.stop() }
        let connection = try RawConnection(port: server.port)
        connection.send(
            "POST /v1/channels/in-app/messages HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(Self.key)\r\n"
                + "Content-Type: application/json\r\nContent-Length: 10000000\r\nExpect: 100-continue\r\n\r\n")
        let head = connection.read(through: "\r\n\r\n")
        #expect(head?.hasPrefix("HTTP/1.1 413 ") == true, "\(head ?? "nothing")")
    }

    @Test("an HTTP/1.0 request is answered and its connection closed, on the poll lane and off it", arguments: [
        "/healthz", "/v1/users/ann/feeds/in-app/updates", "/v1/users/ann/feeds/in-app",
    ])
    func http10Closes(path: String) async throws {
        let server = try await ServerProcess(environment: ["TIDINGS_API_KEYS": Self.key])
        defer { server.stop() }
        let connection = try RawConnection(port: server.port)
        connection.send("GET \(path) HTTP/1.0\r\nAuthorization: Bearer \(Self.key)\r\n\r\n")
        let (text, closed) = connection.readToEnd()
        let head = RawConnection.answers(in: text).first?.head ?? ""
        #expect(head.hasPrefix("200 OK") && head.lowercased().contains("connection: close"), "\(text)")
        #expect(closed)
    }

    @Test("an HTTP/1.0 request after HTTP/1.1 ones on a connection is answered and closes it")
    func http10AfterHTTP11() async throws {
        let server = try await ServerProcess(environment: ["TIDINGS_API_KEYS": Self.key])
        defer { server.stop() }
        for first in ["/healthz", "/v1/users/ann/feeds/in-app/updates"] {
            let connection = try RawConnection(port: server.port)
            connection.send(
                "GET \(first) HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(Self.key)\r\n\r\n"
                    + "GET /healthz HTTP/1.0\r\n\r\n")
            let (text, closed) = connection.readToEnd()
            #expect(RawConnection.answers(in: text).map { String($0.head.prefix(3)) } == ["200", "200"], "\(text)")
            #expect(closed, "after \(first)")
        }
    }

    @Test("HEAD is GET without content, and safe: a feed is only peeked at, a poll does not wait")
    func head() async throws {
        let server = try await ServerProcess(environment: ["TIDINGS_API_KEYS": Self.key])
        defer { server.stop() }
        let body = #"{"recipients":["ann"],"blocks":[{"type":"text","content":"x"}]}"#
        #expect(try await server.request("POST", "/v1/channels/in-app/messages", key: Self.key, body: body).status == 201)
        let since = try await LongPollTests.cursor(server, user: "ann")
        for path in ["/healthz", "/openapi.yaml", "/v1/users/ann/feeds/in-app", "/v1/users/ann/feeds/in-app/updates?since=\(since)&timeout=30"] {
            let get = try await server.request("GET", path.replacingOccurrences(of: "timeout=30", with: "timeout=0"), key: Self.key)
            let connection = try RawConnection(port: server.port)
            connection.send("HEAD \(path) HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(Self.key)\r\n\r\n")
            let headers = connection.read(through: "\r\n\r\n")?.lowercased() ?? "no answer"
            #expect(headers.hasPrefix("http/1.1 200 "), "\(path): \(headers)")
            if !path.contains("/feeds/") {  // a feed read's GET above already marked it seen: another length
                #expect(headers.contains("content-length: \(get.body.count)\r\n"), "\(path): \(headers)")
            }
            connection.send("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            let rest = RawConnection.answers(in: connection.readToEnd().0)
            #expect(rest.count == 1 && rest.first?.head.hasPrefix("200 OK") == true, "nothing follows HEAD's head")
        }
        let peek = try await server.request("GET", "/v1/users/ann/feeds/in-app?mark_seen=false", key: Self.key)
        #expect(try JSONDecoder().decode(FeedPage.self, from: peek.body).meta.unseenCount == 0)  // the GET marked it
        #expect(try await server.request("POST", "/v1/channels/in-app/messages", key: Self.key, body: body).status == 201)
        let connection = try RawConnection(port: server.port)
        connection.send("HEAD /v1/users/ann/feeds/in-app HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(Self.key)\r\n\r\n")
        #expect(connection.read(through: "\r\n\r\n")?.hasPrefix("HTTP/1.1 200 ") == true)
        let after = try await server.request("GET", "/v1/users/ann/feeds/in-app?mark_seen=false", key: Self.key)
        #expect(try JSONDecoder().decode(FeedPage.self, from: after.body).meta.unseenCount == 1, "HEAD marked nothing")
    }

    @Test("with --cors-origin, a poll's answer carries CORS headers when woken and when it times out")
    func corsOnParkedPolls() async throws {
        let origin = "https://app.example.com"
        let server = try await ServerProcess(
            arguments: ["--cors-origin", origin], environment: ["TIDINGS_API_KEYS": Self.key])
        defer { server.stop() }
        for woken in [true, false] {
            let since = try await LongPollTests.cursor(server, user: "ann")
            let connection = try RawConnection(port: server.port)
            connection.send(
                "GET /v1/users/ann/feeds/in-app/updates?since=\(since)&timeout=\(woken ? 30 : 1) HTTP/1.1\r\n"
                    + "Host: x\r\nOrigin: \(origin)\r\nAuthorization: Bearer \(Self.key)\r\n\r\n")
            try await LongPollTests.awaitOpenPolls(server, 1)
            if woken {
                let body = #"{"recipients":["ann"],"blocks":[{"type":"text","content":"x"}]}"#
                #expect(try await server.request("POST", "/v1/channels/in-app/messages", key: Self.key, body: body).status == 201)
            }
            guard let answer = connection.readResponse() else {
                Issue.record("no answer (woken: \(woken))")
                continue
            }
            let lines = answer.head.lowercased().components(separatedBy: "\r\n")
            #expect(lines.first == "http/1.1 200 ok", "woken: \(woken)")
            #expect(lines.contains("access-control-allow-origin: \(origin)"), "\(answer.head)")
            #expect(lines.contains { $0.hasPrefix("access-control-expose-headers: retry-after") })
            #expect(lines.filter { $0.hasPrefix("date:") }.count == 1, "\(answer.head)")
            #expect(String(decoding: answer.body, as: UTF8.self).contains(#""events""#))
        }
    }
}
