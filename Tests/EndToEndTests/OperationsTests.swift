import Foundation
import TestSupport
import Testing
import TidingsAPI

#if canImport(Glibc)
import Glibc
#endif

@Suite("Operations: systemd, durability, hostile clients", .serialized)
struct OperationsTests {
    static let key = "sk_e2e_0123456789"

    @Test("READY=1 once listening, STATUS and WATCHDOG=1 pings, STOPPING=1 on SIGTERM, over NOTIFY_SOCKET")
    func notifyProtocol() async throws {
        let notify = try NotifySocket()
        let server = try await ServerProcess(
            environment: ["TIDINGS_API_KEYS": Self.key, "NOTIFY_SOCKET": notify.path, "WATCHDOG_USEC": "400000"])
        var messages = notify.receive { received in
            ["READY=1", "WATCHDOG=1", "STATUS="].allSatisfy { part in received.contains { $0.contains(part) } }
        }
        #expect(messages.contains { $0.contains("READY=1") })
        #expect(messages.contains { $0.contains("STATUS=") })
        #expect(messages.contains { $0 == "WATCHDOG=1" })
        // READY came after the socket listened: the server answers by now.
        #expect(try await server.request("GET", "/healthz", key: nil).status == 200)
        server.process.terminate()
        messages = notify.receive { $0.contains { $0.contains("STOPPING=1") } }
        #expect(messages.contains { $0.contains("STOPPING=1") })
        #expect(await server.process.termination() == .exited(0))
    }

    @Test("socket activation: the socket from systemd-socket-activate is served, --port is ignored")
    func socketActivation() async throws {
        let activate = "/usr/bin/systemd-socket-activate"
        try #require(FileManager.default.isExecutableFile(atPath: activate), "make test installs the systemd package")
        let port = try freePort()
        let directory = TestDirectory.path("tidings-act")
        let process = try Spawned(
            URL(fileURLWithPath: activate),
            [
                "-l", "127.0.0.1:\(port)", "-E", "TIDINGS_API_KEYS=\(Self.key)", ServerProcess.binary.path, "serve",
                "--port", "1", "--data-dir", directory.path,
            ], environment: ProcessInfo.processInfo.environment)
        defer {
            process.terminate()
            _ = process.blockUntilExit()
        }
        // The socket listens before tidings starts; the first connection starts it.
        var attempt: RawConnection?
        for _ in 0..<100 where attempt == nil {
            attempt = try? RawConnection(port: port)
            if attempt == nil { try await Task.sleep(for: .milliseconds(50)) }
        }
        let connection = try #require(attempt)
        connection.send("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        let (answer, _) = connection.readToEnd()
        #expect(answer.hasPrefix("HTTP/1.1 200"))
    }

    @Test("a database that cannot be opened is a clear error, exit status 1, and the file is left untouched")
    func unopenableDatabase() throws {
        let directory = try TestDirectory.make("tidings-bad")
        let file = directory.appendingPathComponent("tidings.sqlite")
        let garbage = Data(String(repeating: "this is not a database ", count: 200).utf8)
        try garbage.write(to: file)
        let (status, stderr) = try runTidings(
            ["serve", "--port", "0", "--data-dir", directory.path], environment: ["TIDINGS_API_KEYS": Self.key])
        #expect(status == 1)
        #expect(stderr.contains("tidings.sqlite") || stderr.contains(directory.path))
        #expect(try Data(contentsOf: file) == garbage)
    }

    @Test("a port already in use is a clear error and exit status 1, not a server left running")
    func portInUse() async throws {
        let first = try await ServerProcess(environment: ["TIDINGS_API_KEYS": Self.key])
        defer { first.stop() }
        let directory = TestDirectory.path("tidings-port")
        let (status, stderr) = try runTidings(
            ["serve", "--port", "\(first.port)", "--data-dir", directory.path],
            environment: ["TIDINGS_API_KEYS": Self.key], timeout: .seconds(30))
        #expect(status == 1)
        #expect(stderr.contains("cannot listen on 127.0.0.1:\(first.port)"))
        // the first server is unharmed
        let (health, _) = try await first.request("GET", "/healthz", key: nil)
        #expect(health == 200)
    }

    @Test("every acknowledged create survives kill -9 during a burst of creates")
    func killNine() async throws {
        let server = try await ServerProcess(environment: ["TIDINGS_API_KEYS": Self.key])
        let acknowledged = try await withThrowingTaskGroup(of: [String].self) { group in
            for worker in 0..<6 {
                group.addTask {
                    var ids = [String]()
                    while ids.count < 1000 {
                        let body = #"{"recipients":["w\#(worker)"],"blocks":[{"type":"text","content":"n\#(ids.count)"}]}"#
                        guard let response = try? await server.request("POST", "/v1/channels/in-app/messages", key: Self.key, body: body),
                            response.status == 201,
                            let created = try? JSONDecoder().decode(CreateMessagesResponse.self, from: response.body)
                        else { break }
                        ids.append(created.messages[0].id)
                        if worker == 0, ids.count == 150 { kill(server.process.processIdentifier, SIGKILL) }
                    }
                    return ids
                }
            }
            return try await group.reduce(into: [String]()) { $0 += $1 }
        }
        #expect(await server.process.termination() == .signalled(SIGKILL))
        #expect(acknowledged.count >= 150)
        let restarted = try await ServerProcess(environment: ["TIDINGS_API_KEYS": Self.key], dataDirectory: server.dataDirectory)
        defer { restarted.stop() }
        var missing = 0
        for id in acknowledged where try await restarted.request("GET", "/v1/messages/\(id)", key: Self.key).status != 200 {
            missing += 1
        }
        #expect(missing == 0, "\(missing) of \(acknowledged.count) acknowledged messages were lost")
    }

    @Test("SIGTERM with a client stalled inside its body: exit 0 after a short grace, not the request timeout")
    func sigtermWithStalledBody() async throws {
        let server = try await ServerProcess(
            arguments: ["--request-timeout", "600"], environment: ["TIDINGS_API_KEYS": Self.key])
        let stalled = try RawConnection(port: server.port)
        stalled.send(
            "POST /v1/channels/in-app/messages HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(Self.key)\r\n"
                + "Content-Type: application/json\r\nContent-Length: 100\r\nExpect: 100-continue\r\n\r\n")
        // 100 Continue says the server has read the head; the body then stops short.
        #expect(stalled.read(through: "\r\n\r\n")?.hasPrefix("HTTP/1.1 100 Continue") == true)
        stalled.send(#"{"rec"#)
        let began = ContinuousClock.now
        server.process.terminate()
        #expect(await server.process.termination() == .exited(0))
        // The grace is 2 s; anything near the 600 s request timeout means the stall held the exit.
        #expect(ContinuousClock.now - began < .seconds(60))
        #expect(stalled.readToEnd().1)
    }

    @Test("a client trickling its headers is cut off while others are served")
    func slowloris() async throws {
        let server = try await ServerProcess(arguments: ["--request-timeout", "1"], environment: ["TIDINGS_API_KEYS": Self.key])
        defer { server.stop() }
        let slow = try RawConnection(port: server.port)
        slow.send("GET /healthz HTTP/1.1\r\nHost: x\r\n")
        let began = Date()
        var stillOpen = true
        while stillOpen, Date().timeIntervalSince(began) < 5 {
            stillOpen = slow.send("X-Slow: \(Int.random(in: 0...9))\r\n")
            #expect(try await server.request("GET", "/healthz", key: nil).status == 200)
            try await Task.sleep(for: .milliseconds(200))  // the attacker's pace, not a wait for the server
        }
        let (_, closed) = slow.readToEnd()
        #expect(closed || !stillOpen)
        #expect(Date().timeIntervalSince(began) < 15)
    }

    @Test("after a long poll's answer, a client trickling its next request is cut off too")
    func slowlorisAfterPoll() async throws {
        let server = try await ServerProcess(arguments: ["--request-timeout", "1"], environment: ["TIDINGS_API_KEYS": Self.key])
        defer { server.stop() }
        let cursor = try await server.request("GET", "/v1/users/ann/feeds/in-app/updates", key: Self.key)
        let since = try JSONDecoder().decode(UpdatesResponse.self, from: cursor.body).cursor
        let slow = try RawConnection(port: server.port)
        // The poll waits a second and times out; the next request never ends.
        slow.send(
            "GET /v1/users/ann/feeds/in-app/updates?since=\(since)&timeout=1 HTTP/1.1\r\nHost: x\r\n"
                + "Authorization: Bearer \(Self.key)\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n")
        let began = Date()
        var stillOpen = true
        while stillOpen, Date().timeIntervalSince(began) < 8 {
            stillOpen = slow.send("X-Slow: \(Int.random(in: 0...9))\r\n")
            try await Task.sleep(for: .milliseconds(200))  // the attacker's pace, not a wait for the server
        }
        let (answer, closed) = slow.readToEnd()
        #expect(answer.hasPrefix("HTTP/1.1 200 OK"))
        #expect(closed || !stillOpen)
        #expect(Date().timeIntervalSince(began) < 8)
    }

    @Test("a connection left idle is closed after the request timeout, before any request and after an answer")
    func idleConnectionsClosed() async throws {
        let server = try await ServerProcess(
            arguments: ["--request-timeout", "1"], environment: ["TIDINGS_API_KEYS": Self.key])
        defer { server.stop() }
        let began = Date()
        let silent = try RawConnection(port: server.port)
        let served = try RawConnection(port: server.port)
        served.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        // Each read ends when the server closes, or fails after 10 s with the connection open.
        let (nothing, silentClosed) = silent.readToEnd()
        #expect(silentClosed && nothing.isEmpty)
        let (answer, servedClosed) = served.readToEnd()
        #expect(answer.hasPrefix("HTTP/1.1 200 OK"))
        #expect(servedClosed)
        #expect(Date().timeIntervalSince(began) < 8)
    }

    @Test("answers to HEAD carry no content, so the next answer on the connection is read whole")
    func headHasNoContent() async throws {
        let server = try await ServerProcess(environment: ["TIDINGS_API_KEYS": Self.key])
        defer { server.stop() }
        let connection = try RawConnection(port: server.port)
        connection.send(
            "HEAD /healthz HTTP/1.1\r\nHost: x\r\n\r\nHEAD /v1/messages/nope HTTP/1.1\r\nHost: x\r\n\r\n"
                + "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        let (text, closed) = connection.readToEnd()
        #expect(closed)
        let answers = RawConnection.answers(in: text)
        #expect(answers.count == 3)
        guard answers.count == 3 else { return }
        // Each answer to HEAD ends at its blank line: nothing follows it but the next answer.
        #expect(answers[0].body.isEmpty)
        #expect(answers[1].body.isEmpty)
        #expect(answers[2].head.hasPrefix("200 OK") && answers[2].body == #"{"status":"ok"}"#)
        // It asked to close: its answer says so, and only it (RFC 9112 §9.6).
        #expect(answers[2].head.lowercased().contains("connection: close"))
        #expect(!answers[0].head.lowercased().contains("connection:"))
    }

    @Test("oversized request heads are refused without a 2xx, and the server keeps serving")
    func oversizedHeaders() async throws {
        let server = try await ServerProcess(environment: ["TIDINGS_API_KEYS": Self.key])
        defer { server.stop() }
        let connection = try RawConnection(port: server.port)
        connection.send("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: \(String(repeating: "a", count: 200_000))\r\n\r\n")
        let (answer, _) = connection.readToEnd()
        #expect(!answer.hasPrefix("HTTP/1.1 2"))
        #expect(try await server.request("GET", "/healthz", key: nil).status == 200)
    }
}

@Suite("Logging to the journal", .serialized)
struct JournalTests {
    /// Starts the server with stderr in a file and `JOURNAL_STREAM` naming that file (or not),
    /// waits until it answers, stops it, and returns what it wrote to stderr.
    func stderr(journalMatches: Bool) async throws -> String {
        let port = try freePort()
        let log = TestDirectory.path("tidings-stderr")
        #expect(FileManager.default.createFile(atPath: log.path, contents: nil))
        let handle = try FileHandle(forWritingTo: log)
        var status = stat()
        #expect(stat(log.path, &status) == 0)
        let directory = TestDirectory.path("tidings-j")
        let journal = journalMatches ? "\(status.st_dev):\(status.st_ino)" : "1:1"
        let process = try Spawned(
            ServerProcess.binary,
            ["serve", "--port", "\(port)", "--data-dir", directory.path, "--api-key", "sk_journal_1234"],
            environment: childEnvironment(adding: ["JOURNAL_STREAM": journal]), stderr: .handle(handle))
        var up = false
        for _ in 0..<200 where !up {
            up = (try? RawConnection(port: port)) != nil
            if !up { try await Task.sleep(for: .milliseconds(25)) }
        }
        #expect(up)
        process.terminate()
        _ = await process.termination()
        try handle.close()
        return try String(contentsOf: log, encoding: .utf8)
    }

    @Test("with stderr in the journal, entries go to journald instead of plain lines on stderr")
    func structured() async throws {
        let output = try await stderr(journalMatches: true)
        #expect(!output.contains("listening on"))
    }

    @Test("with JOURNAL_STREAM inherited but stderr elsewhere, plain lines go to stderr")
    func plain() async throws {
        let output = try await stderr(journalMatches: false)
        #expect(output.contains("listening on"))
    }
}
