import Foundation

/// Runs the built `tidings-cli` against a server.
enum CLI {
    /// Runs `tidings-cli` to the end. `server` sets `TIDINGS_URL` and, unless `key` is nil,
    /// `TIDINGS_API_KEY`; standard input is the file `input`, or empty.
    static func run(
        _ arguments: [String], server: TestServer? = nil, key: String? = TestServer.apiKey,
        environment: [String: String] = [:], input: URL? = nil, timeout: Duration = .seconds(60)
    ) async throws -> ChildProcess.Result {
        try await start(arguments, server: server, key: key, environment: environment, input: input)
            .result(timeout: timeout)
    }

    /// Starts `tidings-cli` and returns while it runs (for `watch`).
    static func start(
        _ arguments: [String], server: TestServer? = nil, key: String? = TestServer.apiKey,
        environment: [String: String] = [:], input: URL? = nil
    ) throws -> ChildProcess {
        var env = environment
        if let server { env["TIDINGS_URL"] = env["TIDINGS_URL"] ?? server.url }
        if let key, server != nil { env["TIDINGS_API_KEY"] = env["TIDINGS_API_KEY"] ?? key }
        return try ChildProcess(Binaries.cli, arguments, environment: env, input: input)
    }

    /// Each stdout line parsed as a JSON object.
    static func objects(_ result: ChildProcess.Result) throws -> [[String: Any]] {
        try result.stdoutLines.map { line in
            guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                throw ChildProcess.Failure.failed("not a JSON object: \(line)")
            }
            return object
        }
    }
}
