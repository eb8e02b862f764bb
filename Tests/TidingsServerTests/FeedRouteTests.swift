import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import TidingsAPI

@testable import TidingsServer

@Suite("GET /v1/users/{user_id}/feeds/{channel_id}")
struct FeedRouteTests {
    @Test("an unknown user is an empty feed, not a 404")
    func unknownUser() async throws {
        try await makeTestApp().test(.router) { client async throws in
            let response = try await client.send(.get, "/v1/users/nobody/feeds/in-app")
            #expect(response.status == .ok)
            let page = try response.decode(FeedPage.self)
            #expect(page.entries.isEmpty && page.meta.totalCount == 0 && page.pageInfo.pageSize == 50)
        }
    }

    @Test("fetching marks seen; the user's token and the secret key see the same feed")
    func markSeen() async throws {
        let token = try await userToken("ann")
        try await makeTestApp().test(.router) { client async throws in
            try await client.createMessages(["ann", "ann2"])
            try await client.createMessages(["ann"])
            let page = try await client.execute(uri: "/v1/users/ann/feeds/in-app", method: .get, headers: bearer(token))
                .decode(FeedPage.self)
            #expect(page.meta.markedSeen == 2 && page.meta.unseenCount == 0 && page.meta.unreadCount == 2)
            let peek = try await client.send(.get, "/v1/users/ann2/feeds/in-app?mark_seen=false").decode(FeedPage.self)
            #expect(peek.meta.markedSeen == 0 && peek.meta.unseenCount == 1)
            // Names are percent-decoded like values: an encoded `mark_seen=false` is still a peek.
            let encoded = try await client.send(.get, "/v1/users/ann2/feeds/in-app?mark%5Fseen=false&page%5Fsize=1")
                .decode(FeedPage.self)
            #expect(encoded.meta.markedSeen == 0 && encoded.meta.unseenCount == 1 && encoded.pageInfo.pageSize == 1)
        }
    }

    @Test("user ids with slashes and spaces work percent-encoded")
    func encodedUserID() async throws {
        try await makeTestApp().test(.router) { client async throws in
            try await client.createMessages(["team/ann smith"])
            let page = try await client.send(.get, "/v1/users/team%2Fann%20smith/feeds/in-app").decode(FeedPage.self)
            #expect(page.entries.first?.recipient == "team/ann smith")
        }
    }

    @Test(
        "bad parameters are a 400 naming the parameter",
        arguments: [
            ("page_size=0", "invalid_page_size"), ("status=new", "invalid_status"), ("archived=x", "invalid_archived"),
            ("mark_seen=maybe", "invalid_mark_seen"), ("after=nonsense", "invalid_cursor"),
            ("tenant=a&has_tenant=false", "invalid_has_tenant"),
        ])
    func badParameters(query: String, code: String) async throws {
        try await makeTestApp().test(.router) { client async throws in
            let response = try await client.send(.get, "/v1/users/u/feeds/in-app?\(query)")
            #expect(response.status == .badRequest && response.errorCode == code)
        }
    }

    @Test("a cursor from another feed, or both cursors, is a 400")
    func cursors() async throws {
        try await makeTestApp().test(.router) { client async throws in
            try await client.createMessages(["ann", "bob"])
            let bob = try await client.send(.get, "/v1/users/bob/feeds/in-app").decode(FeedPage.self)
            let cursor = try #require(bob.entries.first?.cursor)
            let foreign = try await client.send(.get, "/v1/users/ann/feeds/in-app?after=\(cursor)")
            #expect(foreign.status == .badRequest && foreign.errorCode == "invalid_cursor")
            let updates = try await client.send(.get, "/v1/users/bob/feeds/in-app?after=\(bob.meta.updatesCursor)")
            #expect(updates.errorCode == "invalid_cursor")
            let both = try await client.send(.get, "/v1/users/bob/feeds/in-app?after=\(cursor)&before=\(cursor)")
            #expect(both.status == .badRequest)
        }
    }

    @Test("invalid user and channel ids are 400")
    func invalidIDs() async throws {
        try await makeTestApp().test(.router) { client async throws in
            let long = String(repeating: "u", count: 257)
            #expect(try await client.send(.get, "/v1/users/\(long)/feeds/in-app").errorCode == "invalid_user_id")
            #expect(try await client.send(.get, "/v1/users/a%09b/feeds/in-app").errorCode == "invalid_user_id")
            #expect(try await client.send(.get, "/v1/users/u/feeds/bad!channel").errorCode == "invalid_channel_id")
        }
    }
}

@Suite("Routing, errors and health")
struct RoutingTests {
    @Test("an unknown route is a JSON 404; a wrong method is a JSON 405 with Allow")
    func unknownAndWrongMethod() async throws {
        try await makeTestApp().test(.router) { client async throws in
            let missing = try await client.send(.get, "/v1/nothing/here")
            #expect(missing.status == .notFound && missing.errorCode == "not_found")
            // Keys in one order, every run (Foundation on Linux varied it from process to process).
            #expect(String(buffer: missing.body) == #"{"error":{"code":"not_found","message":"No such route."}}"#)
            let root = try await client.execute(uri: "/nope", method: .get)
            #expect(root.status == .notFound && root.errorCode == "not_found")
            let wrong = try await client.send(.delete, "/v1/users/u/feeds/in-app")
            #expect(wrong.status == .methodNotAllowed && wrong.errorCode == "method_not_allowed")
            #expect(wrong.headers[.allow] == "GET")
            for method in [HTTPRequest.Method.options, .trace] {  // as any other method a path does not serve
                let other = try await client.send(method, "/v1/users/u/feeds/in-app")
                #expect(other.status == .methodNotAllowed && other.headers[.allow] == "GET", "\(method)")
            }
            let wrongCreate = try await client.send(.get, "/v1/channels/in-app/messages")
            #expect(wrongCreate.status == .methodNotAllowed && wrongCreate.headers[.allow] == "POST")
        }
    }

    @Test("healthz and readyz answer 200 without credentials")
    func health() async throws {
        try await makeTestApp().test(.router) { client async throws in
            #expect(try await client.execute(uri: "/healthz", method: .get).status == .ok)
            #expect(try await client.execute(uri: "/readyz", method: .get).status == .ok)
        }
    }
}

@Suite("Readiness")
struct ReadinessTests {
    @Test("readyz is 503 while not ready (starting or shutting down)")
    func notReady() async throws {
        let (app, dependencies) = try await makeTestServer()
        try await app.test(.router) { client async throws in
            dependencies.readiness.set(false)
            #expect(try await client.execute(uri: "/readyz", method: .get).status == .serviceUnavailable)
            #expect(try await client.execute(uri: "/healthz", method: .get).status == .ok)
            dependencies.readiness.set(true)
            #expect(try await client.execute(uri: "/readyz", method: .get).status == .ok)
        }
    }
}
