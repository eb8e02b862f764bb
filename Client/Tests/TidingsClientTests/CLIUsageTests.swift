import Foundation
import Testing

@Suite("tidings-cli usage: exit statuses, global options, help, completions")
struct CLIUsageTests {
    @Test("a key the server refuses exits 1 with the server's code and message on stderr")
    func serverErrorExitsOne() async throws {
        try await TestServer.with { server in
            let result = try await CLI.run(["feed", "--user", "ann"], server: server, key: "sk_wrong")
            #expect(result.status == 1)
            #expect(result.stderr.contains("unauthorized"))
            #expect(result.stderr.contains("401"))
            #expect(result.stdout.isEmpty)
        }
    }

    @Test(
        "bad usage exits 2",
        arguments: [
            ["feed"], ["feed", "--user", "a", "--page-size", "0"],
            ["feed", "--user", "a", "--after", "x", "--before", "y"],
            ["send", "--to", "a"], ["send", "--to", "a", "--text", "t", "--markdown", "m"],
            ["send", "--to", "a", "--text", "t", "--data", "[1]"], ["mark", "read"], ["mark", "bogus", "msg_x"],
            ["mark-all", "unread", "--user", "a"], ["watch", "--user", "a", "--count", "0"],
            ["watch", "--user", "a", "--poll-timeout", "0"], ["watch", "--user", "a", "--poll-timeout", "61"], ["nope"],
            ["feed", "--user", "a", "--nope"], ["token", "--user", "a", "--secret", "short"], ["token", "--user", "a"],
            ["feed", "--user", "a", "--url", "ftp://x"], ["feed", "--user", "a", "--url", "http://127.0.0.1:99999"],
        ])
    func badUsageExitsTwo(arguments: [String]) async throws {
        let result = try await CLI.run(
            arguments, environment: ["TIDINGS_URL": "http://127.0.0.1:1", "TIDINGS_API_KEY": "sk"])
        #expect(result.status == 2, "\(arguments): \(result.stderr)")
        #expect(!result.stderr.isEmpty)
    }

    @Test("a --url port out of range is one line of bad usage, for bench too")
    func portOutOfRange() async throws {
        for arguments in [["feed", "--user", "a"], ["bench", "ingest"]] {
            let result = try await CLI.run(arguments + ["--url", "http://127.0.0.1:99999", "--key", "sk"])
            #expect(result.status == 2, "\(arguments): \(result.stderr)")
            // ArgumentParser says "Error:" for what bench checks in `validate()`.
            let first = result.stderr.prefix { $0 != "\n" }.lowercased()
            #expect(first.hasPrefix("error: --url must have a port between 1 and 65535"), "\(result.stderr)")
            #expect(result.stderr.contains("'http://127.0.0.1:99999'"))
        }
    }

    @Test("no credential at all is bad usage")
    func missingCredential() async throws {
        let result = try await CLI.run(["feed", "--user", "a"], environment: ["TIDINGS_URL": "http://127.0.0.1:1"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("--key"))
    }

    @Test("a server that cannot be reached exits 3")
    func unreachableExitsThree() async throws {
        for arguments in [["feed", "--user", "a"], ["send", "--to", "a", "--text", "t"], ["bulk-status", "bulk_x"]] {
            let result = try await CLI.run(arguments + ["--url", "http://127.0.0.1:1", "--key", "sk"])
            #expect(result.status == 3)
            #expect(result.stderr.contains("cannot reach"))
        }
    }

    @Test("global options work before or after the subcommand, and flags beat variables")
    func globalOptionsAnywhere() async throws {
        try await TestServer.with { server in
            _ = try await server.client().send("x", to: ["ann"])
            let before = try await CLI.run(
                ["--url", server.url, "--key=\(TestServer.apiKey)", "--json", "feed", "--user", "ann"])
            let after = try await CLI.run(
                ["feed", "--user", "ann", "--json", "--url=\(server.url)", "--key", TestServer.apiKey])
            let fromEnvironment = try await CLI.run(["feed", "--user", "ann", "--json"], server: server)
            let flagWins = try await CLI.run(
                ["feed", "--user", "ann", "--key", "sk_wrong"], server: server)
            for result in [before, after, fromEnvironment] {
                #expect(result.status == 0, "\(result.stderr)")
                #expect(try CLI.objects(result).count == 2)
            }
            #expect(flagWins.status == 1)
        }
    }

    @Test("--key and --token together are bad usage; with both variables the token wins; a flag beats either")
    func keyAndToken() async throws {
        try await TestServer.with { server in
            let token = try await TestTokens.mint(user: "hal")
            let bothFlags = try await CLI.run(
                ["feed", "--user", "hal", "--key", TestServer.apiKey, "--token", token], server: server, key: nil)
            #expect(bothFlags.status == 2)
            #expect(bothFlags.stderr.contains("give --key or --token, not both"), "\(bothFlags.stderr)")
            let both = ["TIDINGS_TOKEN": token]  // beside TIDINGS_API_KEY, which `server:` sets
            let own = try await CLI.run(["feed", "--user", "hal"], server: server, environment: both)
            let other = try await CLI.run(["feed", "--user", "ivy"], server: server, environment: both)
            #expect(own.status == 0, "\(own.stderr)")
            #expect(other.status == 1)  // acting as hal, not with the key
            #expect(other.stderr.contains("forbidden"))
            let keyFlag = try await CLI.run(
                ["feed", "--user", "ivy", "--key", TestServer.apiKey], server: server, key: nil, environment: both)
            let tokenFlag = try await CLI.run(["feed", "--user", "ivy", "--token", token], server: server)
            #expect(keyFlag.status == 0, "\(keyFlag.stderr)")
            #expect(tokenFlag.status == 1)
        }
    }

    @Test(
        "every command has --help with examples",
        arguments: [[], ["send"], ["feed"], ["watch"], ["mark"], ["mark-all"], ["bulk-status"], ["token"]])
    func help(command: [String]) async throws {
        let result = try await CLI.run(command + ["--help"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("Examples:"))
        #expect(result.stdout.contains("USAGE: tidings-cli"))
        #expect(result.stdout.contains("--json"))
    }

    @Test("shell completion scripts", arguments: ["bash", "zsh", "fish"])
    func completion(shell: String) async throws {
        let result = try await CLI.run(["--generate-completion-script", shell])
        #expect(result.status == 0)
        #expect(result.stdout.contains("watch"))
        #expect(result.stdout.contains("mark-all"))
    }
}
