import Foundation
import Testing

@Suite("tidings-cli bench usage: exit statuses, limits, help")
struct BenchUsageTests {
    @Test(
        "bad bench usage exits 2",
        arguments: [
            ["bench", "ingest", "--messages", "-5"], ["bench", "ingest", "--messages", "0"],
            ["bench", "ingest", "--recipients", "1001"], ["bench", "ingest", "--recipients", "10", "--users", "5"],
            ["bench", "ingest", "--duration", "-1"], ["bench", "ingest", "--threads", "3"],
            ["bench", "feed", "--connections", "0"], ["bench", "feed", "--messages", "-1"],
            ["bench", "feed", "--page-size", "51"], ["bench", "fanout", "--polls", "0"],
            ["bench", "fanout", "--polls", "-10"], ["bench", "fanout", "--deadline", "0"],
            ["bench", "fanout", "--single", "-1"], ["bench", "bulk", "--readers", "-1"],
            ["bench", "bulk", "--baseline", "-2"], ["bench", "nope"], ["bench", "fanout", "--polls", "many"],
            ["bench", "ingest", "--url", "https://example.invalid"],
        ])
    func badUsageExitsTwo(arguments: [String]) async throws {
        let result = try await CLI.run(
            arguments, environment: ["TIDINGS_URL": "http://127.0.0.1:1", "TIDINGS_API_KEY": "sk"])
        #expect(result.status == 2, "\(arguments): \(result.stderr)")
        #expect(!result.stderr.isEmpty)
        #expect(result.stdout.isEmpty)
    }

    @Test("bench needs the secret key: a user token alone is bad usage")
    func tokenIsNotEnough() async throws {
        let result = try await CLI.run(
            ["bench", "fanout", "--token", "a.b.c"], environment: ["TIDINGS_URL": "http://127.0.0.1:1"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("secret API key"))
    }

    @Test("a server that cannot be reached exits 3", arguments: ["ingest", "feed", "fanout", "bulk"])
    func unreachableExitsThree(command: String) async throws {
        let result = try await CLI.run(
            ["bench", command, "--url", "http://127.0.0.1:1", "--key", "sk"] + Self.small(command))
        #expect(result.status == 3, "\(result.stderr)")
        #expect(result.stderr.contains("cannot reach"))
    }

    @Test("global options may stand between bench and its subcommand, and before bench")
    func globalOptionsBeforeSubcommand() async throws {
        for arguments in [
            ["bench", "--url", "http://127.0.0.1:1", "--key=sk", "--json", "fanout", "--polls", "10"],
            ["--json", "bench", "--url=http://127.0.0.1:1", "feed", "--key", "sk"],
        ] {
            let result = try await CLI.run(arguments)
            #expect(result.status == 3, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains("cannot reach"))
        }
        let token = try await CLI.run(
            ["bench", "--token", "a.b.c", "ingest"], environment: ["TIDINGS_URL": "http://127.0.0.1:1"])
        #expect(token.status == 2)
        #expect(token.stderr.contains("secret API key"), "\(token.stderr)")
    }

    @Test("a key the server refuses exits 1 with the server's code", arguments: ["ingest", "feed", "fanout", "bulk"])
    func wrongKeyExitsOne(command: String) async throws {
        try await TestServer.with { server in
            let result = try await CLI.run(["bench", command] + Self.small(command), server: server, key: "sk_wrong")
            #expect(result.status == 1, "\(result.stderr)")
            #expect(result.stderr.contains("401"))
            #expect(result.stdout.isEmpty)
        }
    }

    @Test("too few file descriptors for the polls is a clear error, before any request")
    func fileDescriptorLimit() async throws {
        let child = try ChildProcess(
            URL(fileURLWithPath: "/bin/sh"),
            [
                "-c", #"ulimit -n 256 && exec "$0" "$@""#, Binaries.cli.path, "bench", "fanout", "--polls", "1000",
                "--url", "http://127.0.0.1:1", "--key", "sk",
            ])
        let result = try await child.result()
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains("open files"))
        #expect(result.stderr.contains("256"))
    }

    /// Sizes that fit any file-descriptor limit (the default fan-out needs over 10,000).
    static func small(_ command: String) -> [String] { command == "fanout" ? ["--polls", "10"] : [] }

    @Test("every bench command has --help with examples", arguments: ["ingest", "feed", "fanout", "bulk"])
    func help(command: String) async throws {
        let result = try await CLI.run(["bench", command, "--help"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("Examples:"))
        #expect(result.stdout.contains("USAGE: tidings-cli bench \(command)"))
        #expect(result.stdout.contains("--json"))
    }
}
