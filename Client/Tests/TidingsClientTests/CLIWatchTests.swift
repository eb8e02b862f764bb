import Foundation
import Testing
import TidingsAPI
import TidingsClient

@Suite("tidings-cli watch against a real server")
struct CLIWatchTests {
    @Test("watch --json prints each event as one line, and --count N exits 0 after N events")
    func countAndJSON() async throws {
        try await TestServer.with { server in
            let client = try server.client()
            let cursor = try await client.updates(user: "ann", channel: "in-app", since: nil).cursor
            let watch = try CLI.start(
                ["watch", "--user", "ann", "--since", cursor, "--count", "3", "--json"], server: server)
            let ids = try await client.sendMany(2, to: "ann")
            _ = try await client.setEngagement(.read, messageID: ids[1])
            _ = try await client.send("one too many", to: ["ann"])
            let result = try await watch.result()
            #expect(result.status == 0, "\(result.stderr)")
            let events = try CLI.objects(result)
            #expect(events.map { $0["type"] as? String } == ["message.created", "message.created", "message.updated"])
            #expect(events.map { ($0["message"] as? [String: Any])?["id"] as? String } == [ids[0], ids[1], ids[1]])
            #expect(events.allSatisfy { $0["id"] is String && $0["inserted_at"] is String })
        }
    }

    @Test("watch prints events for people: time, kind, id and text")
    func human() async throws {
        try await TestServer.with { server in
            let client = try server.client()
            let cursor = try await client.updates(user: "bob", channel: "in-app", since: nil).cursor
            let watch = try CLI.start(["watch", "--user", "bob", "--since", cursor, "--count", "2"], server: server)
            let id = try #require(try await client.send("hello bob", to: ["bob"]).first)
            _ = try await client.bulk(.read, channel: "in-app", filter: BulkRequest(userIDs: ["bob"]))
            let result = try await watch.result()
            #expect(result.status == 0)
            let lines = result.stdoutLines
            #expect(lines.count == 2)
            #expect(lines[0].contains("created \(id)  hello bob"))
            #expect(lines[1].contains("bulk") && lines[1].contains("read, 1 message"))
        }
    }

    @Test("watch ends (status 141, as SIGPIPE would end it) once whatever reads its output has gone")
    func closedPipe() async throws {
        try await TestServer.with { server in
            let client = try server.client()
            let cursor = try await client.updates(user: "dee", channel: "in-app", since: nil).cursor
            // `head -n 1` takes the first event and exits; the second event finds the pipe closed.
            let pipeline = try ChildProcess(
                URL(fileURLWithPath: "/bin/bash"),
                ["-c", #""$0" watch --user dee --since "$1" --json | head -n 1; exit "${PIPESTATUS[0]}""#,
                 Binaries.cli.path, cursor],
                environment: ["TIDINGS_URL": server.url, "TIDINGS_API_KEY": TestServer.apiKey])
            _ = try await client.send("first", to: ["dee"])
            for await _ in pipeline.stdout.lines { break }  // head printed it and is exiting
            // Each event is a write to the closed pipe; a few, in case the first beat head's exit.
            for text in ["second", "third", "fourth"] { _ = try await client.send(text, to: ["dee"]) }
            let result = try await pipeline.result(timeout: .seconds(30))
            #expect(result.status == 141, "\(result.stderr)")
            #expect(result.stdoutLines.count == 1)
        }
    }

    @Test("Ctrl-C ends watch promptly with status 0")
    func interrupt() async throws {
        try await TestServer.with { server in
            let client = try server.client()
            let cursor = try await client.updates(user: "cat", channel: "in-app", since: nil).cursor
            let watch = try CLI.start(
                ["watch", "--user", "cat", "--since", cursor, "--poll-timeout", "60", "--json"], server: server)
            _ = try await client.send("ping", to: ["cat"])
            for await _ in watch.stdout.lines { break }  // it printed the event, so it is polling again
            let clock = ContinuousClock()
            let started = clock.now
            watch.send(SIGINT)
            let result = try await watch.result(timeout: .seconds(30))
            #expect(result.status == 0)
            // Well under the 60 s poll it was waiting on; loose, as the machine may be busy.
            #expect(clock.now - started < .seconds(20))
        }
    }

    @Test("watch survives a server restart on the same port and data without losing or repeating an event")
    func survivesRestart() async throws {
        let first = try await TestServer()
        let client = try first.client()
        let cursor = try await client.updates(user: "dan", channel: "in-app", since: nil).cursor
        let watch = try CLI.start(
            ["watch", "--user", "dan", "--since", cursor, "--count", "6", "--json"], server: first)
        let before = try await client.sendMany(3, to: "dan")
        var lines = watch.stdout.lines.makeAsyncIterator()
        for _ in 0..<3 { _ = await lines.next() }  // all three printed: the watcher is polling the first server
        await first.stop()
        let second = try await first.restarted()
        let after = try await second.client().sendMany(3, to: "dan")
        let result = try await watch.result()
        await second.stop(removingData: true)
        #expect(result.status == 0, "\(result.stderr)")
        let ids = try CLI.objects(result).map { ($0["message"] as? [String: Any])?["id"] as? String }
        #expect(ids == before + after)
        #expect(result.stderr.contains("retrying"))
        #expect(result.stderr.contains("reconnected"))
    }

    @Test("watch with an expired cursor reloads the feed and carries on")
    func expiredCursor() async throws {
        let first = try await TestServer(arguments: ["--updates-max-per-feed", "100"])
        let cursor = try await first.client().updates(user: "eve", channel: "in-app", since: nil).cursor
        _ = try await first.client().sendMany(101, to: "eve")
        await first.stop()
        let server = try await first.restarted()
        let watch = try CLI.start(
            ["watch", "--user", "eve", "--since", cursor, "--count", "1", "--json"], server: server)
        for await line in watch.stderr.lines where line.contains("expired") { break }
        let ids = try await server.client().send("after the reload", to: ["eve"])
        let result = try await watch.result()
        let page = try await server.client().feed(user: "eve", channel: "in-app", options: FeedOptions(markSeen: false))
        await server.stop(removingData: true)
        #expect(result.status == 0)
        #expect(try CLI.objects(result).map { ($0["message"] as? [String: Any])?["id"] as? String } == ids)
        #expect(page.meta.unseenCount == 102)  // the reload marked nothing seen
    }
}
