import Foundation
import Testing
import TidingsAPI

/// Polls whose client half-closes, or sends bytes after them that are no request: what was
/// asked is answered, then the connection closes, and no slot is left behind.
@Suite("Long polls and the end of their client's requests", .serialized)
struct LongPollHalfCloseTests {
    static let key = LongPollTests.key
    static let auth = "Authorization: Bearer \(key)\r\nHost: test\r\n"

    static func poll(_ query: String = "") -> String {
        "GET /v1/users/ann/feeds/in-app/updates\(query) HTTP/1.1\r\n" + auth + "\r\n"
    }

    /// Sends `requests`, half-closes, and reads to the end: the answers' heads and bodies, and
    /// whether the server closed (within 10 s, well before its 20 s request timeout).
    static func exchange(_ server: ServerProcess, _ requests: String) throws -> ([(head: String, body: String)], Bool) {
        let connection = try RawConnection(port: server.port)
        connection.send(requests)
        connection.finishSending()
        let (text, closed) = connection.readToEnd()
        return (RawConnection.answers(in: text), closed)
    }

    @Test("a half-closed client gets every answer, a waiting poll's at once (nothing new, same cursor), then a close")
    func halfClosed() async throws {
        let server = try await ServerProcess(environment: ["TIDINGS_API_KEYS": Self.key])
        defer { server.stop() }
        let since = try await LongPollTests.cursor(server, user: "ann")
        let healthz = "GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n"
        let cases: [(String, [String])] = [
            (Self.poll(), ["200"]), (Self.poll("?since=nonsense"), ["400"]), (Self.poll("?timeout=0&since=\(since)"), ["200"]),
            (Self.poll("?timeout=30&since=\(since)"), ["200"]),  // would wait: answered at once instead
            (Self.poll("?timeout=0&since=\(since)") + healthz, ["200", "200"]),  // handed to Hummingbird, then closed
            (Self.poll("?timeout=30&since=\(since)") + healthz, ["200", "200"]),
            (healthz + Self.poll("?timeout=30&since=\(since)"), ["200", "200"]),  // Hummingbird's poll path
        ]
        for (requests, statuses) in cases {
            let (answers, closed) = try Self.exchange(server, requests)
            #expect(answers.map { String($0.head.prefix(3)) } == statuses, "\(requests)")
            #expect(closed, "\(requests)")
            for answer in answers where answer.body.contains(#""events""#) {
                let updates = try JSONDecoder().decode(UpdatesResponse.self, from: Data(answer.body.utf8))
                #expect(updates.events.isEmpty && (updates.cursor == since || !requests.contains("since=")))
            }
        }
        try await LongPollTests.awaitOpenPolls(server, 0)
    }

    @Test("bytes after a poll that are no request: the poll is answered, then a 400 and a close; never a 500")
    func garbageAfterPoll() async throws {
        let server = try await ServerProcess(environment: ["TIDINGS_API_KEYS": Self.key])
        defer { server.stop() }
        let since = try await LongPollTests.cursor(server, user: "ann")
        let garbage = "GARBAGE\r\n\r\n"
        for requests in [
            Self.poll("?timeout=0&since=\(since)") + garbage, Self.poll("?timeout=30&since=\(since)") + garbage,
            "GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n" + Self.poll("?timeout=30&since=\(since)") + garbage,
        ] {
            let connection = try RawConnection(port: server.port)
            connection.send(requests)
            let (text, closed) = connection.readToEnd()
            let statuses = RawConnection.answers(in: text).map { String($0.head.prefix(3)) }
            #expect(statuses.filter { $0 == "200" }.count == (requests.hasPrefix("GET /healthz") ? 2 : 1), "\(text)")
            #expect(!statuses.contains("500") && closed, "\(text)")
        }
        try await LongPollTests.awaitOpenPolls(server, 0)
        let errors = server.logLines.filter { $0.contains("request failed") }
        #expect(errors.isEmpty, "\(errors)")
    }

    @Test("a poll that says close, followed by a large body it will not serve: answered, never reset")
    func closingPollThenLargeBody() async throws {
        let server = try await ServerProcess(environment: ["TIDINGS_API_KEYS": Self.key])
        defer { server.stop() }
        let since = try await LongPollTests.cursor(server, user: "ann")
        let large = String(repeating: "a", count: 300_000)
        let requests = "GET /v1/users/ann/feeds/in-app/updates?since=\(since)&timeout=1 HTTP/1.1\r\n" + Self.auth
            + "Connection: close\r\n\r\n" + "POST /v1/channels/in-app/messages HTTP/1.1\r\n" + Self.auth
            + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
            + String(large.utf8.count, radix: 16) + "\r\n" + large + "\r\n0\r\n\r\n"
        let connection = try RawConnection(port: server.port)
        // A thread of its own: the send may block until the server reads what follows the poll.
        let sender = Thread { connection.send(requests) }
        sender.start()
        let (text, closed) = connection.readToEnd()
        let answers = RawConnection.answers(in: text)
        #expect(answers.count == 1 && answers.first?.head.hasPrefix("200 OK") == true, "\(text.prefix(300))")
        #expect(closed)
        try await LongPollTests.awaitOpenPolls(server, 0)
    }
}

