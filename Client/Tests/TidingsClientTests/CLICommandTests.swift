import Foundation
import Testing
import TidingsAPI
import TidingsClient
import TidingsTokens

@Suite("tidings-cli commands against a real server")
struct CLICommandTests {
    @Test("send prints one line per message, and --json the 201 body")
    func send() async throws {
        try await TestServer.with { server in
            let human = try await CLI.run(
                ["send", "--channel", "in-app", "--to", "ann", "--markdown", "**hi**"], server: server)
            #expect(human.status == 0)
            #expect(human.stdout.hasPrefix("sent msg_"))
            #expect(human.stdout.contains("to ann on in-app"))
            let json = try await CLI.run(
                [
                    "send", "--json", "--to", "ann", "--to", "bob", "--text", "yo", "--source", "s", "--tenant", "t",
                    "--data", #"{"post_id": 42}"#, "--actor", "u9", "--actor-name", "Ann", "--idempotency-key", "k1",
                ],
                server: server)
            #expect(json.status == 0)
            let lines = try CLI.objects(json)
            #expect(lines.count == 1)
            let messages = try #require(lines.first?["messages"] as? [[String: Any]])
            #expect(messages.map { $0["recipient"] as? String } == ["ann", "bob"])
            #expect(Set(messages.first?.keys.map { $0 } ?? []) == ["id", "recipient", "channel_id", "inserted_at"])
            let page = try await server.client().feed(user: "bob", channel: "in-app")
            let item = try #require(page.entries.first)
            #expect(item.source?.key == "s")
            #expect(item.tenant == "t")
            #expect(item.data["post_id"] == .integer(42))
            #expect(item.actors.first?["name"] == .string("Ann"))
        }
    }

    @Test("feed --json prints one line per entry, then one line with meta and page_info")
    func feedJSON() async throws {
        try await TestServer.with { server in
            let ids = try await server.client().sendMany(3, to: "cat")
            let result = try await CLI.run(["feed", "--user", "cat", "--json", "--page-size", "2"], server: server)
            #expect(result.status == 0)
            let lines = try CLI.objects(result)
            #expect(lines.count == 3)
            #expect(lines.prefix(2).map { $0["id"] as? String } == ids.reversed().prefix(2).map { $0 })
            #expect(lines[0]["__cursor"] is String && lines[0]["seen_at"] is String)
            let summary = lines[2]
            #expect(Set(summary.keys) == ["meta", "page_info"])
            let meta = try #require(summary["meta"] as? [String: Any])
            #expect(meta["total_count"] as? Int == 3)
            #expect(meta["marked_seen"] as? Int == 2)
            #expect(meta["updates_cursor"] is String)
            let pageInfo = try #require(summary["page_info"] as? [String: Any])
            #expect(pageInfo["after"] is String)
            #expect(pageInfo["page_size"] as? Int == 2)
        }
    }

    @Test("feed --all walks every page; --no-mark-seen changes nothing")
    func feedAll() async throws {
        try await TestServer.with { server in
            let ids = try await server.client().sendMany(5, to: "dan")
            let result = try await CLI.run(
                ["feed", "--user", "dan", "--all", "--page-size", "2", "--no-mark-seen", "--json"], server: server)
            #expect(result.status == 0)
            let lines = try CLI.objects(result)
            #expect(lines.dropLast().map { $0["id"] as? String } == ids.reversed().map { $0 })
            let meta = try #require(lines.last?["meta"] as? [String: Any])
            #expect(meta["unseen_count"] as? Int == 5)
            #expect(meta["marked_seen"] as? Int == 0)
            #expect((lines.last?["page_info"] as? [String: Any])?["after"] is NSNull)
            #expect(result.stderr.isEmpty)  // progress is shown only when stderr is a terminal
        }
    }

    @Test("feed prints a readable list: markers, age, id, text, counts footer; no colours off a terminal")
    func feedHuman() async throws {
        try await TestServer.with { server in
            let client = try server.client()
            let first = try #require(try await client.send("older one", to: ["eve"], source: "build").first)
            let request = CreateMessagesRequest(
                recipients: ["eve"], blocks: [.init(type: .markdown, name: "body", content: "**Ann** replied")])
            _ = try await client.createMessages(channel: "in-app", request)
            _ = try await client.setEngagement(.read, messageID: first)
            let result = try await CLI.run(["feed", "--user", "eve", "--no-mark-seen"], server: server)
            #expect(result.status == 0)
            let lines = result.stdoutLines
            #expect(lines.count == 3)
            #expect(lines[0].hasPrefix("● new"))
            #expect(lines[0].contains("Ann replied"))
            #expect(!lines[0].contains("**"))
            #expect(lines[1].hasPrefix("  new"))
            #expect(lines[1].contains(first) && lines[1].contains("older one") && lines[1].contains("build"))
            #expect(lines[0].contains("now") || lines[0].contains("s ago"))
            #expect(lines[2] == "2 messages · 1 unread · 2 unseen")
            #expect(!result.stdout.contains("\u{1B}["))
        }
    }

    @Test("mark changes one or many messages; --json prints the items one a line; unknown ids exit 1")
    func mark() async throws {
        try await TestServer.with { server in
            let ids = try await server.client().sendMany(3, to: "fin")
            let one = try await CLI.run(["mark", "read", ids[0], "--json"], server: server)
            #expect(one.status == 0)
            #expect(try CLI.objects(one).map { $0["id"] as? String } == [ids[0]])
            #expect(try CLI.objects(one).first?["read_at"] is String)
            let many = try await CLI.run(["--json", "mark", "archived"] + ids, server: server)
            #expect(many.status == 0)
            #expect(Set(try CLI.objects(many).compactMap { $0["id"] as? String }) == Set(ids))
            let interacted = try await CLI.run(
                ["mark", "interacted", ids[1], "--metadata", #"{"button": "open"}"#], server: server)
            #expect(interacted.status == 0)
            #expect(interacted.stdout.contains(ids[1]) && interacted.stdout.contains("interacted"))
            let missing = try await CLI.run(["mark", "read", ids[2], "msg_doesnotexist1"], server: server)
            #expect(missing.status == 1)
            #expect(missing.stderr.contains("msg_doesnotexist1"))
            let unknown = try await CLI.run(["mark", "read", "msg_doesnotexist1"], server: server)
            #expect(unknown.status == 1)
            #expect(unknown.stderr.contains("404"))
        }
    }

    @Test("mark - reads its ids from standard input, more than one batch holds; - stands alone")
    func markFromStandardInput() async throws {
        try await TestServer.with { server in
            let client = try server.client()
            var ids = [String]()
            for part in 0..<2 { ids += try await client.send("hi", to: (0..<600).map { "pipe-\(part)-\($0)" }) }
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("ids-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: file) }
            // Separated as a pipe may bring them: new lines, spaces, tabs, a blank line.
            let text = ids[..<2].joined(separator: " \t") + "\n\n" + ids[2...].joined(separator: "\n") + "\n"
            try Data(text.utf8).write(to: file)
            let piped = try await CLI.run(["--json", "mark", "read", "-"], server: server, input: file)
            #expect(piped.status == 0, "\(piped.stderr)")
            let items = try CLI.objects(piped)
            #expect(Set(items.compactMap { $0["id"] as? String }) == Set(ids))
            #expect(items.count == 1200 && items.allSatisfy { $0["read_at"] is String })

            let mixed = try await CLI.run(["mark", "read", "-", ids[0]], server: server, input: file)
            #expect(mixed.status == 2)
            #expect(mixed.stderr.contains("stands alone"))
            let empty = try await CLI.run(["mark", "read", "-"], server: server)
            #expect(empty.status == 2)
            #expect(empty.stderr.contains("no message id on standard input"))
        }
    }

    @Test("mark-all and bulk-status print the bulk operation; --json as one object")
    func markAllAndBulkStatus() async throws {
        try await TestServer.with { server in
            _ = try await server.client().sendMany(3, to: "gil")
            let result = try await CLI.run(["mark-all", "read", "--user", "gil", "--json"], server: server)
            #expect(result.status == 0)
            let operation = try #require(try CLI.objects(result).first)
            #expect(operation["status"] as? String == "completed")
            #expect(operation["name"] as? String == "mark_as_read")
            #expect(operation["processed_rows"] as? Int == 3)
            let id = try #require(operation["id"] as? String)
            let status = try await CLI.run(["bulk-status", id, "--json"], server: server)
            #expect(status.status == 0)
            #expect(try CLI.objects(status).first?["id"] as? String == id)
            let human = try await CLI.run(["bulk-status", id], server: server)
            #expect(human.stdout.contains("\(id)  mark_as_read  completed  3 of 3 messages"))
            let page = try await server.client().feed(user: "gil", channel: "in-app")
            #expect(page.meta.unreadCount == 0)
        }
    }

    @Test("token prints a token alone, which the server accepts for that user only")
    func token() async throws {
        try await TestServer.with { server in
            let result = try await CLI.run(
                ["token", "--user", "hal", "--ttl", "600"], server: server, key: nil,
                environment: ["TIDINGS_SIGNING_SECRET": TestServer.signingSecret])
            #expect(result.status == 0)
            #expect(result.stdoutLines.count == 1)
            let token = try #require(result.stdoutLines.first)
            #expect(try await UserTokens(secret: TestServer.signingSecret).verify(token) == "hal")
            let own = try await CLI.run(["feed", "--user", "hal", "--token", token], server: server, key: nil)
            #expect(own.status == 0)
            let other = try await CLI.run(["feed", "--user", "ivy", "--token", token], server: server, key: nil)
            #expect(other.status == 1)
            #expect(other.stderr.contains("forbidden"))
        }
    }
}
