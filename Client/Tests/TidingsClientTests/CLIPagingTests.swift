import Foundation
import Testing
import TidingsClient

@Suite("tidings-cli feed: the commands shown for the next pages")
struct CLIPagingTests {
    @Test("the older and newer hints keep every option that shaped the page, quoted, so a peek stays a peek")
    func hintsKeepOptions() async throws {
        try await TestServer.with { server in
            let client = try server.client()
            let user = "kim o'lee"
            _ = try await client.send("no source", to: [user])
            var ids = [String]()
            for index in 1...3 { ids += try await client.send("build \(index)", to: [user], source: "build") }
            let first = try await CLI.run(
                [
                    "feed", "--user", user, "--page-size", "1", "--status", "unread", "--source", "build",
                    "--no-mark-seen",
                ],
                server: server)
            #expect(first.status == 0, "\(first.stderr)")
            #expect(first.stdoutLines.count == 3)  // the entry, the counts, no newer page yet
            #expect(first.stdoutLines.first?.contains(ids[2]) == true)
            let older = try #require(first.stdoutLines.last)
            let expected =
                #"older: tidings-cli feed --user 'kim o'\''lee' --page-size 1 --status unread --source build"#
            #expect(older.hasPrefix(expected + " --no-mark-seen --after "), "\(older)")

            let second = try await Self.follow(older, server: server)
            #expect(second.status == 0, "\(second.stderr)")
            #expect(second.stdoutLines.first?.contains(ids[1]) == true)
            let newer = try #require(second.stdoutLines.first { $0.hasPrefix("newer: ") })
            #expect(newer.hasPrefix(expected.replacingOccurrences(of: "older:", with: "newer:") + " --no-mark-seen"))
            #expect(second.stdoutLines.last?.hasPrefix("older: ") == true)

            let back = try await Self.follow(newer, server: server)
            #expect(back.stdoutLines.first?.contains(ids[2]) == true)
            let counts = try await client.feed(user: user, channel: "in-app", options: FeedOptions(markSeen: false))
            #expect(counts.meta.unseenCount == 4)  // every read was a peek
        }
    }

    /// Runs a hint's command in a shell, as a person pasting it would.
    private static func follow(_ hint: String, server: TestServer) async throws -> ChildProcess.Result {
        let command = String(try #require(hint.split(separator: ": ", maxSplits: 1).last))
        let path = Binaries.cli.deletingLastPathComponent().path
        let environment = [
            "PATH": path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"),
            "TIDINGS_URL": server.url, "TIDINGS_API_KEY": TestServer.apiKey,
        ]
        return try await ChildProcess(URL(fileURLWithPath: "/bin/sh"), ["-c", command], environment: environment)
            .result()
    }
}
