import Foundation
import Testing
import TidingsAPI
import TidingsStore

/// Polls that arrive on a connection after other requests, or with a body: Hummingbird serves
/// those connections, and a poll on them must behave as one on the poll lane.
@Suite("Long polls sharing a connection with other requests", .serialized)
struct LongPollConnectionTests {
    static let key = LongPollTests.key

    /// A connection that carries `/healthz` first (so Hummingbird serves it), then a poll of
    /// `user`'s feed from its current cursor.
    /// `body` is sent after the poll's head: header lines (each ending in CRLF), a blank
    /// line, then body bytes. `afterHealthz: false` sends the poll alone (the poll lane's case).
    static func pollAfterHealthz(
        _ server: ServerProcess, user: String, timeout: Int, afterHealthz: Bool = true, body: String = "\r\n"
    ) async throws -> RawConnection {
        let since = try await LongPollTests.cursor(server, user: user)
        let connection = try RawConnection(port: server.port)
        connection.send(
            (afterHealthz ? "GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n" : "")
                + "GET /v1/users/\(user)/feeds/in-app/updates?since=\(since)&timeout=\(timeout) HTTP/1.1\r\n"
                + "Authorization: Bearer \(key)\r\nHost: test\r\n" + body)
        return connection
    }

    @Test("a poll whose body breaks HTTP framing gets 400 malformed_body and a closed connection", arguments: [true, false])
    func brokenPollBody(afterHealthz: Bool) async throws {
        let server = try await ServerProcess(environment: ["TIDINGS_API_KEYS": Self.key])
        defer { server.stop() }
        let connection = try await Self.pollAfterHealthz(
            server, user: "ann", timeout: 30, afterHealthz: afterHealthz,
            body: "Transfer-Encoding: chunked\r\n\r\n2\r\n{}XX\r\n0\r\n\r\n")
        let (text, closed) = connection.readToEnd()
        let last = RawConnection.answers(in: text).last
        #expect(last?.head.hasPrefix("400 ") == true, "\(text)")
        #expect(last?.head.lowercased().contains("connection: close") == true)
        #expect(last?.body.contains(#""code":"malformed_body""#) == true)
        #expect(closed)
        try await LongPollTests.awaitOpenPolls(server, 0)
    }

    @Test("after other requests, a poll with a body still waits, is answered, and notices its client leave")
    func pollWithBodyWaits() async throws {
        let server = try await ServerProcess(environment: ["TIDINGS_API_KEYS": Self.key])
        defer { server.stop() }
        let withBody = "Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"
        let answered = try await Self.pollAfterHealthz(server, user: "ann", timeout: 30, body: withBody)
        try await LongPollTests.awaitOpenPolls(server, 1)
        let body = #"{"recipients":["ann"],"blocks":[{"type":"text","content":"wake"}]}"#
        #expect(try await server.request("POST", "/v1/channels/in-app/messages", key: Self.key, body: body).status == 201)
        let (text, _) = answered.readToEnd()
        let answers = RawConnection.answers(in: text)
        #expect(answers.count == 2 && answers.last?.head.hasPrefix("200 OK") == true)
        let updates = try JSONDecoder().decode(UpdatesResponse.self, from: Data((answers.last?.body ?? "").utf8))
        #expect(updates.events.count == 1)
        let leaving = try await Self.pollAfterHealthz(server, user: "bob", timeout: 30, body: withBody)
        try await LongPollTests.awaitOpenPolls(server, 1)
        leaving.hangUp()
        try await LongPollTests.awaitOpenPolls(server, 0)
    }

    @Test("on one keep-alive connection: a poll times out, then pipelined requests are answered in order")
    func keepAliveAndPipelining() async throws {
        let server = try await ServerProcess(environment: ["TIDINGS_API_KEYS": Self.key])
        defer { server.stop() }
        let since = try await LongPollTests.cursor(server, user: "ann")
        let connection = try RawConnection(port: server.port)
        let auth = "Authorization: Bearer \(Self.key)\r\nHost: test\r\n"
        let poll = "/v1/users/ann/feeds/in-app/updates?since=\(since)"
        // The first poll waits (1 s), the next two were sent behind it before any answer.
        connection.send(
            "GET \(poll)&timeout=1 HTTP/1.1\r\n\(auth)\r\n" + "GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n"
                + "GET \(poll)&timeout=0 HTTP/1.1\r\n\(auth)Connection: close\r\n\r\n")
        let (text, closed) = connection.readToEnd()
        #expect(closed)
        let responses = RawConnection.answers(in: text)
        #expect(responses.count == 3)
        #expect(responses.allSatisfy { $0.head.hasPrefix("200 OK") })
        let bodies = responses.map(\.body)
        guard bodies.count == 3 else { return }
        let timedOut = try JSONDecoder().decode(UpdatesResponse.self, from: Data(bodies[0].utf8))
        #expect(timedOut.events.isEmpty && timedOut.cursor == since)
        #expect(bodies[1].contains(#""status":"ok""#))
        #expect(try JSONDecoder().decode(UpdatesResponse.self, from: Data(bodies[2].utf8)).cursor == since)
    }

    @Test("a poll after other requests on a connection, which then closes, answers with Connection: close")
    func pollAfterOtherRequestsSaysClose() async throws {
        let server = try await ServerProcess(environment: ["TIDINGS_API_KEYS": Self.key])
        defer { server.stop() }
        let connection = try await Self.pollAfterHealthz(server, user: "ann", timeout: 1)
        let (text, closed) = connection.readToEnd()
        let heads = RawConnection.answers(in: text).map(\.head)
        #expect(heads.count == 2)
        #expect(heads.first?.lowercased().contains("connection: close") == false)
        #expect(heads.last?.hasPrefix("200 OK") == true)
        #expect(heads.last?.lowercased().contains("connection: close") == true)
        #expect(closed)
    }

    @Test("a poll after other requests whose cursor expires while it waits answers 410 with Connection: close")
    func expiredWhileWaitingSaysClose() async throws {
        let server = try await ServerProcess(environment: ["TIDINGS_API_KEYS": Self.key])
        defer { server.stop() }
        let connection = try await Self.pollAfterHealthz(server, user: "ann", timeout: 30)
        try await LongPollTests.awaitOpenPolls(server, 1)
        // Behind the server's back (a connection of this process to its database, so no poll
        // is woken): a change to ann's feed, then a prune of her whole stream, which expires
        // the waiting poll's cursor. A change through the server then wakes the poll.
        let path = server.dataDirectory.appendingPathComponent("tidings.sqlite").path
        let database = try AppDatabase(path: path)
        let unseen = NewMessages(
            channelID: "in-app", recipients: ["ann"], source: nil, tenant: nil, actorsJSON: "[]", dataJSON: "{}",
            blocksJSON: #"[{"type":"text","name":"body","content":"x","rendered":"x"}]"#)
        _ = try await database.createMessages(unseen, idempotency: nil)
        #expect(try await database.pruneUpdateStream(maxAgeMilliseconds: 0, maxPerFeed: 0) == 1)
        try database.close()
        let body = #"{"recipients":["ann"],"blocks":[{"type":"text","content":"wake"}]}"#
        #expect(try await server.request("POST", "/v1/channels/in-app/messages", key: Self.key, body: body).status == 201)
        let (text, closed) = connection.readToEnd()
        let answers = RawConnection.answers(in: text)
        #expect(answers.count == 2)
        #expect(answers.last?.head.hasPrefix("410") == true)
        #expect(answers.last?.body.contains(#""code":"cursor_expired""#) == true)
        #expect(answers.last?.head.lowercased().contains("connection: close") == true)
        #expect(closed)
    }

    @Test("a client that leaves a poll it sent after other requests frees its slot, and no error is logged")
    func leavingAfterOtherRequestsIsQuiet() async throws {
        let server = try await ServerProcess(environment: ["TIDINGS_API_KEYS": Self.key])
        defer { server.stop() }
        let connection = try await Self.pollAfterHealthz(server, user: "ann", timeout: 30)
        try await LongPollTests.awaitOpenPolls(server, 1)
        connection.hangUp()
        try await LongPollTests.awaitOpenPolls(server, 0)
        // The request's end is logged after its slot is freed: a request on a new connection
        // and a graceful stop come after it.
        #expect(try await server.request("GET", "/healthz", key: nil).status == 200)
        server.stop()
        let errors = server.logLines.filter { $0.contains("error") || $0.contains("request failed") }
        #expect(errors.isEmpty, "\(errors)")
    }

    @Test("after other requests on a connection, a poll answered at once keeps it open for the next request")
    func pollAnsweredAtOnceKeepsConnection() async throws {
        let server = try await ServerProcess(environment: ["TIDINGS_API_KEYS": Self.key])
        defer { server.stop() }
        let since = try await LongPollTests.cursor(server, user: "ann")
        let body = #"{"recipients":["ann"],"blocks":[{"type":"text","content":"there"}]}"#
        let created = try await server.request("POST", "/v1/channels/in-app/messages", key: Self.key, body: body)
        #expect(created.status == 201)
        let connection = try RawConnection(port: server.port)
        connection.send(
            "GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n"
                + "GET /v1/users/ann/feeds/in-app/updates?since=\(since)&timeout=5 HTTP/1.1\r\n"
                + "Authorization: Bearer \(Self.key)\r\nHost: test\r\n\r\n"
                + "GET /healthz HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n")
        let (text, closed) = connection.readToEnd()
        let answers = RawConnection.answers(in: text)
        #expect(answers.count == 3)
        guard answers.count == 3 else { return }
        #expect(answers[1].head.hasPrefix("200 OK") && !answers[1].head.lowercased().contains("connection: close"))
        let updates = try JSONDecoder().decode(UpdatesResponse.self, from: Data(answers[1].body.utf8))
        #expect(updates.events.count == 1)
        #expect(answers[2].body == #"{"status":"ok"}"#)
        #expect(closed)
    }

    @Test("polls pipelined on the poll lane are all answered, in order")
    func pipelinedPolls() async throws {
        let server = try await ServerProcess(environment: ["TIDINGS_API_KEYS": Self.key])
        defer { server.stop() }
        let poll = "GET /v1/users/ann/feeds/in-app/updates HTTP/1.1\r\nAuthorization: Bearer \(Self.key)\r\nHost: test\r\n"
        let connection = try RawConnection(port: server.port)
        connection.send(poll + "\r\n" + poll + "\r\n" + poll + "Connection: close\r\n\r\n")
        let (text, closed) = connection.readToEnd()
        let answers = RawConnection.answers(in: text)
        #expect(answers.count == 3 && answers.allSatisfy { $0.head.hasPrefix("200 OK") }, "\(text)")
        #expect(answers.allSatisfy { $0.body.contains(#""cursor""#) })
        #expect(closed)
    }
}
