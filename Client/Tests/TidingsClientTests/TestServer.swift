import Foundation
import TestSupport
import TidingsClient

/// The real `tidings serve`, on a real socket, with its own data directory and known
/// credentials. Restarting keeps the port and the data.
final class TestServer: Sendable {
    static let apiKey = "sk_client_tests_key"
    static let signingSecret = "client-tests-signing-secret-0123456789"

    let dataDirectory: URL
    let port: Int
    let arguments: [String]
    private let child: ChildProcess

    var url: String { "http://127.0.0.1:\(port)" }

    /// Starts a server; `port` 0 takes a free one. `arguments` go to `tidings serve`.
    init(port: Int = 0, dataDirectory: URL? = nil, arguments: [String] = []) async throws {
        let directory = dataDirectory ?? TestDirectory.path("tidings-cli-tests")
        self.dataDirectory = directory
        self.arguments = arguments
        child = try ChildProcess(
            Binaries.server, ["serve", "--port", String(port), "--data-dir", directory.path] + arguments,
            environment: ["TIDINGS_API_KEYS": Self.apiKey, "TIDINGS_SIGNING_SECRET": Self.signingSecret])
        var found: Int?
        for await line in child.stderr.lines {
            if let range = line.range(of: "listening on http://127.0.0.1:") {
                found = Int(line[range.upperBound...].prefix { $0.isNumber })
                break
            }
        }
        guard let found else {
            child.send(SIGKILL)
            throw ChildProcess.Failure.failed("tidings serve did not start: \(child.stderr.text)")
        }
        self.port = found
    }

    /// Runs `body` with a fresh server, then stops it and removes its data.
    static func with<T>(arguments: [String] = [], _ body: (TestServer) async throws -> T) async throws -> T {
        let server = try await TestServer(arguments: arguments)
        do {
            let result = try await body(server)
            await server.stop(removingData: true)
            return result
        } catch {
            await server.stop(removingData: true)
            throw error
        }
    }

    /// A client with the secret key (or another credential).
    func client(credential: String? = TestServer.apiKey) throws -> TidingsClient {
        guard let base = URL(string: url) else { throw ChildProcess.Failure.failed("bad URL \(url)") }
        return try TidingsClient(baseURL: base, credential: credential)
    }

    /// Stops the server with SIGTERM and waits until it has exited.
    func stop(removingData: Bool = false) async {
        child.send(SIGTERM)
        _ = await child.exitStatus()
        if removingData { try? FileManager.default.removeItem(at: dataDirectory) }
    }

    // A test that fails before stopping its server still ends the process (ChildProcess's
    // deinit sends SIGTERM), and its data directory goes with the test process's (TestDirectory).

    /// Starts the server again on the same port with the same data.
    func restarted() async throws -> TestServer {
        try await TestServer(port: port, dataDirectory: dataDirectory, arguments: arguments)
    }
}
