import Foundation
import Testing
import TidingsAPI
import TidingsClient

/// Each `bench` subcommand at tiny sizes against a real `tidings serve`, checked through its
/// JSON report and through the server's own view of the feeds afterwards. Serialized: each
/// test loads the machine's two cores on its own.
@Suite("tidings-cli bench against a real server", .serialized)
struct BenchCommandTests {
    @Test("bench ingest creates every message it reports, single- and 1,000-recipient")
    func ingest() async throws {
        try await TestServer.with { server in
            let single = try await Self.report(
                ["bench", "ingest", "--messages", "200", "--concurrency", "4", "--users", "4", "--prefix", "one"],
                server: server)
            #expect(single["messages"] as? Int == 200)
            #expect(single["requests"] as? Int == 200)
            #expect(single["recipients_per_request"] as? Int == 1)
            #expect((single["failures"] as? [String: Any])?["count"] as? Int == 0)
            try Self.expectOrdered(single["latency"], count: 200)
            let client = try server.client()
            for user in 0..<4 {
                let counts = try await client.feed(
                    user: "one-\(user)", channel: "bench-ingest", options: FeedOptions(markSeen: false)
                ).meta
                #expect(counts.totalCount == 50)
            }

            // Global options may stand before `bench`.
            let wide = try await Self.report(
                ["--json", "bench", "ingest", "--messages", "2000", "--recipients", "1000", "--prefix", "wide"],
                server: server, json: false)
            #expect(wide["messages"] as? Int == 2000)
            #expect(wide["requests"] as? Int == 2)
            try Self.expectOrdered(wide["latency"], count: 2)
            for user in ["wide-0", "wide-999"] {
                let counts = try await client.feed(
                    user: user, channel: "bench-ingest", options: FeedOptions(markSeen: false)
                )
                .meta
                #expect(counts.totalCount == 2)
            }
        }
    }

    @Test("bench feed fills the feed to --messages, reads it, and --mark-seen marks the first page")
    func feed() async throws {
        try await TestServer.with { server in
            let peek = try await Self.report(
                ["bench", "feed", "--messages", "300", "--requests", "200", "--connections", "4", "--user", "fd"],
                server: server)
            #expect((peek["fill"] as? [String: Any])?["created"] as? Int == 300)
            #expect(peek["feed_messages"] as? Int == 300)
            #expect(peek["reads"] as? Int == 200)
            #expect(peek["mark_seen"] as? Bool == false)
            try Self.expectOrdered(peek["latency"], count: 200)
            let client = try server.client()
            let before = try await client.feed(user: "fd", channel: "bench-feed", options: FeedOptions(markSeen: false))
            #expect(before.meta.totalCount == 300)
            #expect(before.meta.unseenCount == 300)

            let marking = try await Self.report(
                ["bench", "feed", "--messages", "300", "--requests", "20", "--mark-seen", "--user", "fd"],
                server: server)
            #expect((marking["fill"] as? [String: Any])?["created"] as? Int == 0)
            #expect(marking["reads"] as? Int == 20)
            let after = try await client.feed(user: "fd", channel: "bench-feed", options: FeedOptions(markSeen: false))
            #expect(after.meta.totalCount == 300)
            #expect(after.meta.unseenCount == 250)
        }
    }

    @Test("bench fanout: every waiting poll is answered, none lost, and the single-poll case too")
    func fanout() async throws {
        try await TestServer.with { server in
            let report = try await Self.report(
                ["bench", "fanout", "--polls", "50", "--recipients", "20", "--single", "5", "--prefix", "fan"],
                server: server)
            #expect(report["polls"] as? Int == 50)
            #expect(report["creates"] as? Int == 3)
            #expect(report["answered"] as? Int == 50)
            #expect(report["lost"] as? Int == 0)
            try Self.expectOrdered(report["latency"], count: 50)
            try Self.expectOrdered(report["create_latency"], count: 3)
            let single = try #require(report["single"] as? [String: Any])
            #expect(single["answered"] as? Int == 5)
            #expect(single["lost"] as? Int == 0)
            try Self.expectOrdered(single["latency"], count: 5)
            let client = try server.client()
            for (user, count) in [("fan-0", 1), ("fan-49", 1), ("fan-single", 5)] {
                let meta = try await client.feed(
                    user: user, channel: "bench-fanout", options: FeedOptions(markSeen: false)
                )
                .meta
                #expect(meta.totalCount == count, "\(user)")
            }
        }
    }

    @Test("bench bulk marks the whole feed read while readers read, and reports the operation")
    func bulk() async throws {
        try await TestServer.with { server in
            let report = try await Self.report(
                ["bench", "bulk", "--messages", "2000", "--readers", "2", "--baseline", "0", "--user", "bk"],
                server: server)
            let operation = try #require(report["bulk"] as? [String: Any])
            #expect(operation["status"] as? String == "completed")
            #expect(operation["processed_rows"] as? Int == 2000)
            #expect(report["unread_before"] as? Int == 2000)
            #expect(report["unread_after"] as? Int == 0)
            try Self.expectOrdered(report["reads_during"], count: nil)
            try Self.expectOrdered(report["reads_baseline"], count: nil)
            let meta = try await server.client().feed(
                user: "bk", channel: "bench-bulk", options: FeedOptions(markSeen: false)
            ).meta
            #expect(meta.totalCount == 2000)
            #expect(meta.unreadCount == 0)
        }
    }

    @Test("bench http GETs a path without a key; a path that is not 2xx or not a path fails before any load")
    func http() async throws {
        try await TestServer.with { server in
            let result = try await CLI.run(
                ["bench", "http", "/healthz", "--requests", "300", "--connections", "3", "--json"], server: server,
                key: nil)
            #expect(result.status == 0, "\(result.stderr)")
            let report = try #require(try CLI.objects(result).first)
            #expect(report["bench"] as? String == "http")
            #expect(report["path"] as? String == "/healthz")
            #expect(report["requests"] as? Int == 300)
            #expect(report["clients"] as? Int == 3)
            #expect((report["failures"] as? [String: Any])?["count"] as? Int == 0)
            #expect((report["response_bytes"] as? Int ?? 0) > 0)
            try Self.expectOrdered(report["latency"], count: 300)

            let refused = try await CLI.run(["bench", "http", "/v1/no-such-route", "--requests", "5"], server: server)
            #expect(refused.status == 1)
            #expect(refused.stderr.contains("HTTP 404"), "\(refused.stderr)")
            #expect(refused.stdout.isEmpty)

            // A user token is sent: its own feed answers, another user's does not.
            let token = try await TestTokens.mint(user: "ida")
            let own = try await CLI.run(
                ["bench", "http", "/v1/users/ida/feeds/general?page_size=1", "--requests", "10", "--token", token],
                server: server, key: nil)
            #expect(own.status == 0, "\(own.stderr)")
            let other = try await CLI.run(
                ["bench", "http", "/v1/users/jo/feeds/general", "--requests", "10", "--token", token], server: server,
                key: nil)
            #expect(other.status == 1, "\(other.stderr)")
            #expect(other.stderr.contains("HTTP 403"), "\(other.stderr)")

            for path in ["healthz", "/a b"] {
                let bad = try await CLI.run(["bench", "http", path], server: server)
                #expect(bad.status == 2, "\(path)")
                #expect(bad.stderr.contains("the path must"), "\(bad.stderr)")
            }
        }
        let unreachable = try await CLI.run(
            ["bench", "http", "/healthz", "--url", "http://127.0.0.1:9", "--requests", "1"], key: nil)
        #expect(unreachable.status == 3, "\(unreachable.stderr)")
    }

    @Test("the human summary names median, p99, max and the throughput")
    func humanSummary() async throws {
        try await TestServer.with { server in
            let result = try await CLI.run(
                ["bench", "ingest", "--messages", "20", "--concurrency", "2"], server: server)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.contains("20 messages in 20 requests"))
            #expect(result.stdout.contains("messages/s"))
            #expect(result.stdout.contains("median") && result.stdout.contains("p99") && result.stdout.contains("max"))
        }
    }

    /// Runs a bench command (with `--json` unless it is already given) and returns its one
    /// JSON object, after checking it exited 0 and printed exactly one line.
    static func report(_ arguments: [String], server: TestServer, json: Bool = true) async throws -> [String: Any] {
        let result = try await CLI.run(arguments + (json ? ["--json"] : []), server: server, timeout: .seconds(180))
        #expect(result.status == 0, "\(arguments): \(result.stderr)")
        let objects = try CLI.objects(result)
        #expect(objects.count == 1)
        return try #require(objects.first)
    }

    /// A latency summary's percentiles are in order, and it counted `count` samples if given.
    static func expectOrdered(_ value: Any?, count: Int?) throws {
        let latency = try #require(value as? [String: Any])
        let (minimum, median, p99, maximum) = (
            try #require(latency["min_ms"] as? Double), try #require(latency["median_ms"] as? Double),
            try #require(latency["p99_ms"] as? Double), try #require(latency["max_ms"] as? Double)
        )
        #expect(minimum <= median && median <= p99 && p99 <= maximum, "\(latency)")
        if let count { #expect(latency["count"] as? Int == count) }
    }
}
