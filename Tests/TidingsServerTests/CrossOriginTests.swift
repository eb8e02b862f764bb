import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import TidingsAPI

@testable import TidingsServer

@Suite("CORS for browser frontends")
struct CrossOriginTests {
    static let app = "https://app.example.com"

    func headers(origin: String, _ more: HTTPFields = [:]) -> HTTPFields {
        var fields: HTTPFields = [.origin: origin, .authorization: "Bearer \(TestCredentials.apiKey)"]
        fields.append(contentsOf: more)
        return fields
    }

    @Test("a configured origin gets preflights answered and its answers, errors included, allowed and exposed")
    func configuredOrigin() async throws {
        let (app, _) = try await makeTestServer(corsOrigins: [Self.app])
        try await app.test(.router) { client async throws in
            let preflight = try await client.execute(
                uri: "/v1/users/ann/feeds/in-app/updates", method: .options,
                headers: [.origin: Self.app, .accessControlRequestMethod: "GET", .accessControlRequestHeaders: "authorization"])
            #expect(preflight.status == .noContent)
            #expect(preflight.headers[.accessControlAllowOrigin] == Self.app)
            #expect(preflight.headers[.accessControlAllowHeaders]?.lowercased().contains("authorization") == true)
            #expect(preflight.headers[.accessControlAllowMethods]?.contains("PUT") == true)
            let feed = try await client.execute(uri: "/v1/users/ann/feeds/in-app", method: .get, headers: headers(origin: Self.app))
            #expect(feed.status == .ok && feed.headers[.accessControlAllowOrigin] == Self.app)
            #expect(feed.headers[.accessControlExposeHeaders]?.contains("Retry-After") == true)
            let refused = try await client.execute(
                uri: "/v1/users/ann/feeds/in-app", method: .get, headers: [.origin: Self.app, .authorization: "Bearer nope"])
            #expect(refused.status == .unauthorized && refused.headers[.accessControlAllowOrigin] == Self.app)
            let other = try await client.execute(
                uri: "/v1/users/ann/feeds/in-app", method: .get, headers: headers(origin: "https://evil.example"))
            #expect(other.status == .ok && other.headers[.accessControlAllowOrigin] == nil)
            #expect(other.headers[.vary] == "Origin" && feed.headers[.vary] == "Origin")
        }
    }

    @Test("* allows any origin; with none configured, no CORS header is sent")
    func anyOrNone() async throws {
        let (open, _) = try await makeTestServer(corsOrigins: ["*"])
        try await open.test(.router) { client async throws in
            let feed = try await client.execute(
                uri: "/v1/users/ann/feeds/in-app", method: .get, headers: headers(origin: "http://localhost:3000"))
            #expect(feed.headers[.accessControlAllowOrigin] == "http://localhost:3000")
        }
        try await makeTestApp().test(.router) { client async throws in
            let feed = try await client.execute(uri: "/v1/users/ann/feeds/in-app", method: .get, headers: headers(origin: Self.app))
            #expect(feed.status == .ok && feed.headers[.accessControlAllowOrigin] == nil)
        }
    }
}
