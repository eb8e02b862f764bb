import Foundation
import TestSupport
import Testing
import TidingsAPI
import TidingsStore

@Suite("Long polls on a real socket", .serialized)
struct LongPollTests {
    static let key = "sk_e2e_0123456789"

    /// A poll on its own connection, so cancelling it closes that connection.
    static func poll(_ server: ServerProcess, user: String, since: String, timeout: Int = 30) async throws -> (Int, Data) {
        let path = "/v1/users/\(user)/feeds/in-app/updates?since=\(since)&timeout=\(timeout)"
        return try await TestHTTP.send("GET", server.baseURL + path, key: key, timeout: .seconds(timeout + 15))
    }

    static func cursor(_ server: ServerProcess, user: String) async throws -> String {
        let response = try await server.request("GET", "/v1/users/\(user)/feeds/in-app/updates", key: key)
        return try JSONDecoder().decode(UpdatesResponse.self, from: response.body).cursor
    }

    /// Reads `tidings_open_polls` until it equals `count`: the server's own view of its polls.
    static func awaitOpenPolls(_ server: ServerProcess, _ count: Int) async throws {
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            let metrics = String(decoding: try await server.request("GET", "/metrics", key: nil).body, as: UTF8.self)
            let line = metrics.split(separator: "\n").first { $0.hasPrefix("tidings_open_polls ") }
            if let value = line?.split(separator: " ").last.flatMap({ Double($0) }), Int(value) == count { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("open polls never reached \(count)")
    }

    /// A connection that carries `/healthz` first (so Hummingbird serves it), then a poll of
    /// `user`'s feed from its current cursor.
    /// `body` is sent after the poll's head: header lines (each ending in CRLF), a blank
    /// line, then body bytes. `afterHealthz: false` sends the poll alone (the poll lane's case).
    static func pollAfterHealthz(
        _ server: ServerProcess, user: String, timeout: Int, afterHealthz: Bool = true, body: String = "\r\n"
    ) async throws -> RawConnection {
        let since = try await cursor(server, user: user)
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
        try await Self.awaitOpenPolls(server, 0)
    }

    @Test("after other requests, a poll with a body still waits, is answered, and notices its client leave")
    func pollWithBodyWaits() async throws {
        let server = try await ServerProcess(environment: ["TIDINGS_API_KEYS": Self.key])
        defer { server.stop() }
        let withBody = "Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"
        let answered = try await Self.pollAfterHealthz(server, user: "ann", timeout: 30, body: withBody)
        try await Self.awaitOpenPolls(server, 1)
        let body = #"{"recipients":["ann"],"blocks":[{"type":"text","content":"wake"}]}"#
        #expect(try await server.request("POST", "/v1/channels/in-app/messages", key: Self.key, body: body).status == 201)
        let (text, _) = answered.readToEnd()
        let answers = RawConnection.answers(in: text)
        #expect(answers.count == 2 && answers.last?.head.hasPrefix("200 OK") == true)
        let updates = try JSONDecoder().decode(UpdatesResponse.self, from: Data((answers.last?.body ?? "").utf8))
        #expect(updates.events.count == 1)
        let leaving = try await Self.pollAfterHealthz(server, user: "bob", timeout: 30, body: withBody)
        try await Self.awaitOpenPolls(server, 1)
        leaving.hangUp()
        try await Self.awaitOpenPolls(server, 0)
    }

    @Test("a client that goes away frees its slot at once: the per-user maximum can be opened again")
    func disconnectFreesSlot() async throws {
        let server = try await ServerProcess(arguments: ["--max-polls-per-user", "4"], environment: ["TIDINGS_API_KEYS": Self.key])
        defer { server.stop() }
        let since = try await Self.cursor(server, user: "ann")
        let abandoned = (0..<4).map { _ in Task { try await Self.poll(server, user: "ann", since: since) } }
        try await Self.awaitOpenPolls(server, 4)
        for task in abandoned { task.cancel() }
        try await Self.awaitOpenPolls(server, 0)
        let polls = (0..<4).map { _ in Task { try await Self.poll(server, user: "ann", since: since) } }
        try await Self.awaitOpenPolls(server, 4)
        let body = #"{"recipients":["ann"],"blocks":[{"type":"text","content":"wake"}]}"#
        #expect(try await server.request("POST", "/v1/channels/in-app/messages", key: Self.key, body: body).status == 201)
        for task in polls {
            let (status, data) = try await task.value
            #expect(status == 200)
            #expect(try JSONDecoder().decode(UpdatesResponse.self, from: data).events.count == 1)
        }
    }

    @Test("on one keep-alive connection: a poll times out, then pipelined requests are answered in order")
    func keepAliveAndPipelining() async throws {
        let server = try await ServerProcess(environment: ["TIDINGS_API_KEYS": Self.key])
        defer { server.stop() }
        let since = try await Self.cursor(server, user: "ann")
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
        try await Self.awaitOpenPolls(server, 1)
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
        try await Self.awaitOpenPolls(server, 1)
        connection.hangUp()
        try await Self.awaitOpenPolls(server, 0)
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
        let since = try await Self.cursor(server, user: "ann")
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

    @Test("over real connections, a poller following its cursor sees every event once, with counts that never drift")
    func exactlyOnceOverSockets() async throws {
        let server = try await ServerProcess(environment: ["TIDINGS_API_KEYS": Self.key])
        defer { server.stop() }
        let total = 300
        let start = try await Self.cursor(server, user: "ann")
        // Creates in bursts, some with a second recipient, and reads of created messages:
        // woken polls are answered from what a create pushed and from re-reads.
        let publisher = Task {
            var created = [String]()
            while created.count < total {
                for _ in 0..<min(Int.random(in: 1...25), total - created.count) {
                    let recipients = Bool.random() ? #"["ann"]"# : #"["ann","decoy"]"#
                    let answer = try await server.request(
                        "POST", "/v1/channels/in-app/messages", key: Self.key,
                        body: #"{"recipients":\#(recipients),"blocks":[{"type":"text","content":"n"}]}"#)
                    let response = try JSONDecoder().decode(CreateMessagesResponse.self, from: answer.body)
                    created += response.messages.filter { $0.recipient == "ann" }.map(\.id)
                }
                if let id = created.randomElement() {
                    #expect(try await server.request("PUT", "/v1/messages/\(id)/read", key: Self.key).status == 200)
                }
            }
        }
        var cursor = start
        var positions = [Int64]()
        var created = Set<String>()
        var read = Set<String>()
        while created.count < total {
            let (status, data) = try await Self.poll(server, user: "ann", since: cursor, timeout: 10)
            #expect(status == 200)
            let updates = try JSONDecoder().decode(UpdatesResponse.self, from: data)
            for event in updates.events {
                positions.append(try #require(Int64(event.id)))
                let message = try #require(event.message)
                if event.type == .messageCreated { #expect(created.insert(message.id).inserted, "created twice") }
                if message.readAt != nil { read.insert(message.id) }
            }
            if !updates.events.isEmpty, !updates.hasMore {
                // The counts come from the snapshot of the events: every message the poller
                // has seen created is counted, and those it has seen read are not unread.
                #expect(updates.meta.totalCount == created.count)
                #expect(updates.meta.unreadCount == created.count - read.count)
            }
            cursor = updates.cursor
        }
        try await publisher.value
        #expect(positions == positions.sorted() && Set(positions).count == positions.count)
        let page = try JSONDecoder().decode(
            FeedPage.self, from: try await server.request("GET", "/v1/users/ann/feeds/in-app?mark_seen=false", key: Self.key).body)
        #expect(page.meta.totalCount == total)
    }

    @Test("one create to 300 recipients answers each one's waiting poll with its own message, keep-alive")
    func fanOut() async throws {
        let server = try await ServerProcess(environment: ["TIDINGS_API_KEYS": Self.key])
        defer { server.stop() }
        // More polls than an event loop's answers are held back while a commit wakes them.
        let users = (0..<300).map { "fan-\($0)" }
        var connections = [RawConnection]()
        for user in users {
            let since = try await Self.cursor(server, user: user)
            let connection = try RawConnection(port: server.port)
            connection.send(
                "GET /v1/users/\(user)/feeds/in-app/updates?since=\(since)&timeout=30 HTTP/1.1\r\n"
                    + "Authorization: Bearer \(Self.key)\r\nHost: test\r\n\r\n")
            connections.append(connection)
        }
        try await Self.awaitOpenPolls(server, users.count)
        let recipients = users.map { "\"\($0)\"" }.joined(separator: ",")
        let body = #"{"recipients":[\#(recipients)],"blocks":[{"type":"text","content":"all"}]}"#
        #expect(try await server.request("POST", "/v1/channels/in-app/messages", key: Self.key, body: body).status == 201)
        for (user, connection) in zip(users, connections) {
            let answer = try #require(connection.readResponse(), "no answer for \(user)")
            #expect(answer.head.hasPrefix("HTTP/1.1 200 OK"))
            #expect(!answer.head.lowercased().contains("connection: close"))
            let updates = try JSONDecoder().decode(UpdatesResponse.self, from: Data(answer.body))
            #expect(updates.events.map { $0.message?.recipient } == [user])
            #expect(updates.meta.unreadCount == 1)
        }
        try await Self.awaitOpenPolls(server, 0)
    }

    @Test("SIGTERM answers every waiting poll with 200 and the server exits 0")
    func sigterm() async throws {
        let server = try await ServerProcess(environment: ["TIDINGS_API_KEYS": Self.key])
        let since = try await Self.cursor(server, user: "ann")
        _ = since
        let cursors = try await [Self.cursor(server, user: "user-0"), Self.cursor(server, user: "user-1")]
        let waiting = (0..<6).map { index in
            Task { try await Self.poll(server, user: "user-\(index % 2)", since: cursors[index % 2]) }
        }
        try await Self.awaitOpenPolls(server, 6)
        let began = ContinuousClock.now
        server.process.terminate()
        for task in waiting {
            let (status, data) = try await task.value
            #expect(status == 200)
            #expect(try JSONDecoder().decode(UpdatesResponse.self, from: data).events.isEmpty)
        }
        #expect(await server.process.exit() == .exited(0))
        #expect(ContinuousClock.now - began < .seconds(20))  // "a few seconds", loosely, on a busy machine
    }
}
