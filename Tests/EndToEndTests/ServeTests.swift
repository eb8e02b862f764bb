import Foundation
import Testing
import TidingsAPI

@Suite("tidings serve, end to end on a real socket", .serialized)
struct ServeTests {
    static let key = "sk_e2e_0123456789"
    static let secret = "e2e-signing-secret-0123456789abcdef"

    @Test("the first log line says where it listens; create and read over real HTTP")
    func createAndRead() async throws {
        let server = try await ServerProcess(environment: ["TIDINGS_API_KEYS": Self.key, "TIDINGS_SIGNING_SECRET": Self.secret])
        defer { server.stop() }
        #expect(server.logLines.first?.contains("listening on http://127.0.0.1:\(server.port)") == true)
        let body = #"{"recipients":["ann"],"blocks":[{"type":"markdown","name":"body","content":"**hi**"}]}"#
        let created = try await server.request("POST", "/v1/channels/in-app/messages", key: Self.key, body: body)
        #expect(created.status == 201)
        let read = try await server.request("GET", "/v1/users/ann/feeds/in-app", key: Self.key)
        #expect(read.status == 200)
        let page = try JSONDecoder().decode(FeedPage.self, from: read.body)
        #expect(page.entries.first?.blocks.first?.rendered == "<p><strong>hi</strong></p>")
        #expect(page.meta.markedSeen == 1)
        let unauthorized = try await server.request("GET", "/v1/users/ann/feeds/in-app", key: nil)
        #expect(unauthorized.status == 401)
        #expect(try await server.request("GET", "/readyz", key: nil).status == 200)
    }

    @Test("with nothing configured, a first start generates credentials (0600) and later starts reuse them")
    func generatedCredentials() async throws {
        let first = try await ServerProcess()
        let file = first.dataDirectory.appendingPathComponent("credentials.json")
        let attributes = try FileManager.default.attributesOfItem(atPath: file.path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let stored = try JSONDecoder().decode([String: JSONValue].self, from: Data(contentsOf: file))
        let key = try #require(stored["api_keys"]?.arrayValue?.first?.stringValue)
        #expect(stored["signing_secret"]?.stringValue?.isEmpty == false)
        #expect(first.logLines.contains { $0.contains(key) && $0.contains(file.path) })
        #expect(try await first.request("GET", "/v1/users/u/feeds/in-app", key: key).status == 200)
        first.stop()
        let second = try await ServerProcess(dataDirectory: first.dataDirectory)
        defer { second.stop() }
        #expect(try await second.request("GET", "/v1/users/u/feeds/in-app", key: key).status == 200)
        #expect(!second.logLines.contains { $0.contains(key) })
    }

    @Test(
        "a bad value is a one-line error and exit status 2",
        arguments: [
            ["serve", "--port", "99999"], ["serve", "--port", "eighty"], ["serve", "--no-such-flag"],
            ["serve", "--signing-secret", "short"], ["serve", "--log-level", "loud"], ["serve", "--max-polls", "0"],
            ["serve", "--cors-origin", "app.example.com"], ["serve", "--cors-origin", "https://app.example.com/"],
        ])
    func badValues(arguments: [String]) throws {
        let (status, stderr) = try runTidings(arguments + ["--data-dir", "/tmp/tidings-never-created"])
        #expect(status == 2)
        #expect(stderr.split(separator: "\n").count == 1, "\(stderr)")
    }

    @Test("a bad environment variable is refused the same way; a flag beats its variable")
    func environment() async throws {
        let (status, _) = try runTidings(["serve"], environment: ["TIDINGS_PORT": "-1"])
        #expect(status == 2)
        let server = try await ServerProcess(environment: ["TIDINGS_PORT": "-1", "TIDINGS_API_KEYS": Self.key])
        defer { server.stop() }
        #expect(try await server.request("GET", "/healthz", key: nil).status == 200)
    }
}
