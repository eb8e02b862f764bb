import Foundation
import TestSupport
import Testing
import TidingsAPI

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
        #expect(await server.process.termination() == .exited(0))
        #expect(ContinuousClock.now - began < .seconds(20))  // "a few seconds", loosely, on a busy machine
    }
}
