import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import TestSupport
import Testing
import TidingsAPI
import TidingsTokens

@testable import TidingsServer

/// The credentials every server test runs with.
enum TestCredentials {
    static let apiKey = "sk_test_key_0123456789"
    static let secondKey = "sk_test_key_rotated"
    static let signingSecret = "test-signing-secret-0123456789abcdef"
}

/// A server built exactly as `tidings serve` builds it, on a fresh data directory.
func makeTestApp(apiKeys: [String] = [TestCredentials.apiKey, TestCredentials.secondKey]) async throws
    -> some ApplicationProtocol
{
    try await makeTestServer(apiKeys: apiKeys).app
}

/// The application and what it is built from, for tests that also drive the store.
func makeTestServer(
    apiKeys: [String] = [TestCredentials.apiKey, TestCredentials.secondKey], maxPollsPerUser: Int = 16,
    maxPolls: Int = 10_000, corsOrigins: [String] = []
) async throws -> (app: some ApplicationProtocol, dependencies: ServerDependencies) {
    let directory = TestDirectory.path("tidings-server")
    var configuration = ServerConfiguration(
        dataDirectory: directory.path, apiKeys: apiKeys, signingSecret: TestCredentials.signingSecret,
        maxPollsPerUser: maxPollsPerUser, maxPolls: maxPolls)
    configuration.corsOrigins = corsOrigins
    let (dependencies, _) = try prepareDependencies(configuration)
    dependencies.readiness.set(true)
    return (Application(router: await buildRouter(dependencies, detectsDisconnects: false)), dependencies)
}

func userToken(_ user: String, expiresIn: TimeInterval = 3600) async throws -> String {
    try await UserTokens(secret: TestCredentials.signingSecret).mint(
        userID: user, expiresAt: Date().addingTimeInterval(expiresIn))
}

func bearer(_ credential: String) -> HTTPFields { [.authorization: "Bearer \(credential)"] }

let jsonHeaders: HTTPFields = [.authorization: "Bearer \(TestCredentials.apiKey)", .contentType: "application/json"]

/// Typed helpers over the test client.
extension TestClientProtocol {
    func send(
        _ method: HTTPRequest.Method, _ uri: String, headers: HTTPFields = jsonHeaders, json: String? = nil
    ) async throws -> TestResponse {
        try await execute(uri: uri, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) })
    }

    /// Creates one message per recipient and returns the created entries.
    @discardableResult
    func createMessages(_ recipients: [String], channel: String = "in-app", content: String = "hello") async throws
        -> [CreateMessagesResponse.Created]
    {
        let body = try JSONEncoder().encode(
            CreateMessagesRequest(recipients: recipients, blocks: [.init(type: .markdown, name: "body", content: content)]))
        let response = try await send(.post, "/v1/channels/\(channel)/messages", json: String(decoding: body, as: UTF8.self))
        #expect(response.status == .created)
        return try JSONDecoder().decode(CreateMessagesResponse.self, from: Data(buffer: response.body)).messages
    }
}

extension TestResponse {
    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try JSONDecoder().decode(type, from: Data(buffer: body))
    }

    /// The stable code of an error answer.
    var errorCode: String? { (try? decode(ErrorResponse.self))?.error.code }
}
