import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import TidingsAPI
import TidingsCore

@testable import TidingsServer

@Suite("Long polling for updates")
struct UpdatesRouteTests {
    static let path = "/v1/users/ann/feeds/in-app/updates"

    @Test("no since answers at once with the current cursor and counts")
    func noSince() async throws {
        try await makeTestApp().test(.router) { client async throws in
            try await client.createMessages(["ann"])
            let updates = try await client.send(.get, Self.path).decode(UpdatesResponse.self)
            #expect(updates.events.isEmpty && !updates.hasMore)
            #expect(updates.meta == FeedCounts(totalCount: 1, unreadCount: 1, unseenCount: 1))
            let again = try await client.send(.get, Self.path + "?since=\(updates.cursor)&timeout=0").decode(UpdatesResponse.self)
            #expect(again.events.isEmpty && again.cursor == updates.cursor)
        }
    }

    @Test("events after since come at once, oldest first, limited, with has_more")
    func backlog() async throws {
        try await makeTestApp().test(.router) { client async throws in
            let start = try await client.send(.get, Self.path).decode(UpdatesResponse.self).cursor
            var created = [String]()
            for _ in 0..<5 { created += try await client.createMessages(["ann"]).map(\.id) }
            let first = try await client.send(.get, Self.path + "?since=\(start)&limit=3").decode(UpdatesResponse.self)
            #expect(first.events.map { $0.message?.id } == Array(created.prefix(3)) && first.hasMore)
            #expect(first.events.allSatisfy { $0.type == .messageCreated })
            let rest = try await client.send(.get, Self.path + "?since=\(first.cursor)&limit=3").decode(UpdatesResponse.self)
            #expect(rest.events.map { $0.message?.id } == Array(created.suffix(2)) && !rest.hasMore)
        }
    }

    @Test("a waiting poll is answered by the commit that changes its feed, and only its feed")
    func wakeUp() async throws {
        let (app, dependencies) = try await makeTestServer()
        try await app.test(.router) { client async throws in
            let start = try await client.send(.get, Self.path).decode(UpdatesResponse.self).cursor
            async let answer = client.send(.get, Self.path + "?since=\(start)&timeout=30")
            await dependencies.hub.waitForWaitingPolls(1)
            try await client.createMessages(["bob"])  // another feed: must not answer the poll
            try await client.createMessages(["ann"])
            let updates = try await answer.decode(UpdatesResponse.self)
            #expect(updates.events.count == 1 && updates.events[0].message?.recipient == "ann")
            #expect(updates.meta.totalCount == 1)
            #expect(dependencies.hub.openPolls == 0)
        }
    }

    @Test("engagement changes, fetch marking and bulk operations all reach the stream")
    func everyKindOfChange() async throws {
        try await makeTestApp().test(.router) { client async throws in
            let id = try #require(try await client.createMessages(["ann"]).first).id
            let start = try await client.send(.get, Self.path).decode(UpdatesResponse.self).cursor
            _ = try await client.send(.get, "/v1/users/ann/feeds/in-app")  // marks seen
            _ = try await client.send(.put, "/v1/messages/\(id)/read")
            _ = try await client.send(.post, "/v1/channels/in-app/messages/bulk/archive", json: #"{"user_ids":["ann"]}"#)
            let updates = try await client.send(.get, Self.path + "?since=\(start)").decode(UpdatesResponse.self)
            #expect(updates.events.map(\.type) == [.messageUpdated, .messageUpdated, .feedBulkUpdated])
            #expect(updates.events[2].bulk == FeedEvent.Bulk(action: "archived", rows: 1))
            #expect(updates.meta.totalCount == 0)
        }
    }

    @Test("a poll with nothing new times out with 200, no events and the same cursor")
    func timeout() async throws {
        try await makeTestApp().test(.router) { client async throws in
            let start = try await client.send(.get, Self.path).decode(UpdatesResponse.self).cursor
            let began = ContinuousClock.now
            let updates = try await client.send(.get, Self.path + "?since=\(start)&timeout=0.3").decode(UpdatesResponse.self)
            #expect(ContinuousClock.now - began >= .milliseconds(290))
            #expect(updates.events.isEmpty && updates.cursor == start)
        }
    }

    @Test("bad parameters are 400; another feed's cursor is invalid_cursor")
    func badParameters() async throws {
        try await makeTestApp().test(.router) { client async throws in
            let bob = try await client.send(.get, "/v1/users/bob/feeds/in-app/updates").decode(UpdatesResponse.self).cursor
            for (query, code) in [
                ("timeout=-1", "invalid_timeout"), ("timeout=soon", "invalid_timeout"), ("timeout=0x10", "invalid_timeout"),
                ("timeout=1e3", "invalid_timeout"), ("timeout=.5", "invalid_timeout"), ("timeout=nan", "invalid_timeout"),
                ("limit=0", "invalid_limit"),
                ("limit=501", "invalid_limit"), ("since=garbage", "invalid_cursor"), ("since=\(bob)", "invalid_cursor"),
            ] {
                let response = try await client.send(.get, Self.path + "?\(query)")
                #expect(response.status == .badRequest && response.errorCode == code, "\(query)")
            }
        }
    }

    @Test("a cursor older than the retained stream is 410 cursor_expired")
    func expired() async throws {
        let (app, dependencies) = try await makeTestServer()
        try await app.test(.router) { client async throws in
            let start = try await client.send(.get, Self.path).decode(UpdatesResponse.self).cursor
            for _ in 0..<3 { try await client.createMessages(["ann"]) }
            _ = try await dependencies.database.pruneUpdateStream(maxAgeMilliseconds: 3_600_000, maxPerFeed: 1)
            let response = try await client.send(.get, Self.path + "?since=\(start)")
            #expect(response.status == .gone && response.errorCode == "cursor_expired")
            let fresh = try await client.send(.get, "/v1/users/ann/feeds/in-app").decode(FeedPage.self).meta.updatesCursor
            #expect(try await client.send(.get, Self.path + "?since=\(fresh)&timeout=0").status == .ok)
        }
    }

    @Test("a cursor from other data, ahead of this stream (a restore, a reset), is 410 like an expired one")
    func cursorAhead() async throws {
        let elsewhere = try await makeTestApp().test(.router) { client async throws in
            for _ in 0..<3 { try await client.createMessages(["ann"]) }
            return try await client.send(.get, Self.path).decode(UpdatesResponse.self).cursor
        }
        try await makeTestApp().test(.router) { client async throws in
            for feedExists in [false, true] {
                if feedExists { try await client.createMessages(["ann"]) }
                let response = try await client.send(.get, Self.path + "?since=\(elsewhere)&timeout=0")
                #expect(response.status == .gone && response.errorCode == "cursor_expired", "feed exists: \(feedExists)")
            }
        }
    }

    @Test("beyond the per-user maximum 429 with Retry-After; beyond the server maximum 503")
    func limits() async throws {
        let (app, dependencies) = try await makeTestServer(maxPollsPerUser: 2, maxPolls: 3)
        try await app.test(.router) { client async throws in
            let ann = try await client.send(.get, Self.path).decode(UpdatesResponse.self).cursor
            let bob = try await client.send(.get, "/v1/users/bob/feeds/in-app/updates").decode(UpdatesResponse.self).cursor
            async let first = client.send(.get, Self.path + "?since=\(ann)&timeout=30")
            async let second = client.send(.get, Self.path + "?since=\(ann)&timeout=30")
            await dependencies.hub.waitForWaitingPolls(2)
            let third = try await client.send(.get, Self.path + "?since=\(ann)&timeout=30")
            #expect(third.status == .tooManyRequests && third.headers[.retryAfter] != nil)
            // The limits count polls that wait: one whose cursor already has events is answered.
            let web = try await client.send(.get, "/v1/users/ann/feeds/web/updates").decode(UpdatesResponse.self).cursor
            try await client.createMessages(["ann"], channel: "web")
            let ready = try await client.send(.get, "/v1/users/ann/feeds/web/updates?since=\(web)&timeout=30")
            #expect(ready.status == .ok && (try? ready.decode(UpdatesResponse.self).events.count) == 1)
            async let bobPoll = client.send(.get, "/v1/users/bob/feeds/in-app/updates?since=\(bob)&timeout=30")
            await dependencies.hub.waitForWaitingPolls(3)
            let carol = try await client.send(.get, "/v1/users/carol/feeds/in-app/updates?since=\(bob)&timeout=30")
            #expect(carol.status == .badRequest)  // bob's cursor on carol's feed
            let carolStart = try await client.send(.get, "/v1/users/carol/feeds/in-app/updates").decode(UpdatesResponse.self)
            let full = try await client.send(.get, "/v1/users/carol/feeds/in-app/updates?since=\(carolStart.cursor)&timeout=30")
            #expect(full.status == .serviceUnavailable && full.headers[.retryAfter] != nil)
            try await client.createMessages(["ann", "bob"])
            let answers = try await [first, second, bobPoll]
            #expect(answers.allSatisfy { $0.status == .ok })
        }
    }

    @Test("shutdown answers every waiting poll with 200 and no events")
    func shutdown() async throws {
        let (app, dependencies) = try await makeTestServer()
        try await app.test(.router) { client async throws in
            let start = try await client.send(.get, Self.path).decode(UpdatesResponse.self).cursor
            async let first = client.send(.get, Self.path + "?since=\(start)&timeout=30")
            async let second = client.send(.get, Self.path + "?since=\(start)&timeout=30")
            await dependencies.hub.waitForWaitingPolls(2)
            dependencies.hub.shutdown()
            for response in try await [first, second] {
                #expect(response.status == .ok)
                #expect(try response.decode(UpdatesResponse.self).events.isEmpty)
            }
        }
    }
}
