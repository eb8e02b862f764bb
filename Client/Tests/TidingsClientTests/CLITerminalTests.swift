import Foundation
import Testing

/// `script` runs a command on a pseudo-terminal, so the CLI sees a terminal on stdout and stderr.
private let script = URL(fileURLWithPath: "/usr/bin/script")

@Suite(
    "tidings-cli on a terminal", .enabled(if: FileManager.default.isExecutableFile(atPath: script.path)))
struct CLITerminalTests {
    /// Runs `tidings-cli arguments` on a pseudo-terminal; stdout and stderr arrive mixed.
    private func onTerminal(_ arguments: [String], server: TestServer, environment: [String: String] = [:])
        async throws -> ChildProcess.Result
    {
        let command = ([Binaries.cli.path] + arguments).map {
            "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'"
        }
        var env = environment
        env["TIDINGS_URL"] = server.url
        env["TIDINGS_API_KEY"] = TestServer.apiKey
        env["TERM"] = "xterm"
        return try await ChildProcess(script, ["-qec", command.joined(separator: " "), "/dev/null"], environment: env)
            .result()
    }

    @Test("colours on a terminal, none with NO_COLOR; --all shows progress on stderr")
    func coloursAndProgress() async throws {
        try await TestServer.with { server in
            _ = try await server.client().sendMany(3, to: "ann")
            let arguments = ["feed", "--user", "ann", "--all", "--page-size", "2", "--no-mark-seen"]
            let coloured = try await onTerminal(arguments, server: server)
            #expect(coloured.status == 0)
            #expect(coloured.stdout.contains("\u{1B}[34m●"))
            #expect(coloured.stdout.contains("read 2 of 3 entries"))
            let plain = try await onTerminal(arguments, server: server, environment: ["NO_COLOR": "1"])
            #expect(plain.status == 0)
            #expect(!plain.stdout.contains("\u{1B}[34m"))
            #expect(plain.stdout.contains("● new"))
        }
    }
}
