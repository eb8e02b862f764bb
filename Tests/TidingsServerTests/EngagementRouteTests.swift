import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import TidingsAPI

@testable import TidingsServer

@Suite("Engagement endpoints")
struct EngagementRouteTests {
    @Test("PUT and DELETE per flag; GET the message; the timeline lists each change once")
    func perMessage() async throws {
        let token = try await userToken("ann")
        try await makeTestApp().test(.router) { client async throws in
            let id = try #require(try await client.createMessages(["ann"]).first).id
            let headers = bearer(token)
            let read = try await client.execute(uri: "/v1/messages/\(id)/read", method: .put, headers: headers)
            #expect(read.status == .ok)
            let item = try read.decode(FeedItem.self)
            #expect(item.readAt != nil && item.seenAt == nil && item.engagementStatuses == ["read"])
            _ = try await client.execute(uri: "/v1/messages/\(id)/read", method: .put, headers: headers)
            _ = try await client.execute(uri: "/v1/messages/\(id)/seen", method: .put, headers: headers)
            _ = try await client.execute(uri: "/v1/messages/\(id)/archived", method: .put, headers: headers)
            let unarchived = try await client.execute(uri: "/v1/messages/\(id)/archived", method: .delete, headers: headers)
            #expect(try unarchived.decode(FeedItem.self).archivedAt == nil)
            let fetched = try await client.execute(uri: "/v1/messages/\(id)", method: .get, headers: headers)
            #expect(try fetched.decode(FeedItem.self).readAt != nil)
            let events = try await client.execute(uri: "/v1/messages/\(id)/events", method: .get, headers: headers)
                .decode(MessageEventList.self)
            #expect(
                events.items.map(\.type) == [
                    "message.created", "message.read", "message.seen", "message.archived", "message.unarchived",
                ])
        }
    }

    @Test("another user's message is a 404 like a missing one; DELETE interacted is a 405")
    func notFoundAndMethod() async throws {
        let token = try await userToken("intruder")
        try await makeTestApp().test(.router) { client async throws in
            let id = try #require(try await client.createMessages(["ann"]).first).id
            for (method, path) in [(HTTPRequest.Method.get, ""), (.get, "/events"), (.put, "/read"), (.delete, "/seen")] {
                let response = try await client.execute(uri: "/v1/messages/\(id)\(path)", method: method, headers: bearer(token))
                #expect(response.status == .notFound && response.errorCode == "message_not_found")
                let missing = try await client.send(method, "/v1/messages/msg_missing\(path)")
                #expect(missing.status == .notFound && missing.errorCode == "message_not_found")
            }
            let delete = try await client.send(.delete, "/v1/messages/\(id)/interacted")
            #expect(delete.status == .methodNotAllowed && delete.headers[.allow] == "PUT")
            for method in [HTTPRequest.Method.put, .delete, .post] {
                let unknown = try await client.send(method, "/v1/messages/\(id)/bogus")
                #expect(unknown.status == .badRequest && unknown.errorCode == "invalid_action")
            }
        }
    }

    @Test("interacted metadata: at most 5 flat values, recorded on the event")
    func interacted() async throws {
        try await makeTestApp().test(.router) { client async throws in
            let id = try #require(try await client.createMessages(["ann"]).first).id
            let tooMany = #"{"metadata":{"a":1,"b":2,"c":3,"d":4,"e":5,"f":6}}"#
            #expect(try await client.send(.put, "/v1/messages/\(id)/interacted", json: tooMany).errorCode == "invalid_metadata")
            let nested = #"{"metadata":{"a":{"b":1}}}"#
            #expect(try await client.send(.put, "/v1/messages/\(id)/interacted", json: nested).status == .unprocessableContent)
            for wrongShape in ["[1]", #""x""#, "42", "null"] {
                let response = try await client.send(.put, "/v1/messages/\(id)/interacted", json: wrongShape)
                #expect(response.status == .unprocessableContent && response.errorCode == "invalid_body")
            }
            #expect(try await client.send(.get, "/v1/messages/\(id)").decode(FeedItem.self).interactedAt == nil)
            let good = try await client.send(.put, "/v1/messages/\(id)/interacted", json: #"{"metadata":{"button":"ok","n":2}}"#)
            #expect(try good.decode(FeedItem.self).interactedAt != nil)
            let bare = try await client.execute(uri: "/v1/messages/\(id)/interacted", method: .put, headers: bearer(TestCredentials.apiKey))
            #expect(bare.status == .ok)
            let events = try await client.send(.get, "/v1/messages/\(id)/events").decode(MessageEventList.self)
            #expect(events.items.last?.data == .object(["button": .string("ok"), "n": .integer(2)]))
            #expect(events.items.filter { $0.type == "message.interacted" }.count == 1)
        }
    }

    @Test("batch: a bare array of updated items, unknown and foreign ids left out")
    func batch() async throws {
        let token = try await userToken("ann")
        try await makeTestApp().test(.router) { client async throws in
            let mine = try await client.createMessages(["ann"]) + client.createMessages(["ann"])
            let theirs = try await client.createMessages(["bob"])
            let ids = (mine + theirs).map { "\"\($0.id)\"" }.joined(separator: ",") + #","msg_unknown""#
            var headers = jsonHeaders
            headers[.authorization] = "Bearer \(token)"
            let response = try await client.send(.post, "/v1/messages/batch/read", headers: headers, json: #"{"message_ids":[\#(ids)]}"#)
            let items = try response.decode([FeedItem].self)
            #expect(Set(items.map(\.id)) == Set(mine.map(\.id)) && items.allSatisfy { $0.readAt != nil })
            let bob = try await client.send(.get, "/v1/messages/\(theirs[0].id)").decode(FeedItem.self)
            #expect(bob.readAt == nil)
            let empty = try await client.send(.post, "/v1/messages/batch/read", json: #"{"message_ids":[]}"#)
            #expect(empty.errorCode == "invalid_message_ids")
            let badAction = try await client.send(.post, "/v1/messages/batch/explode", json: #"{"message_ids":["x"]}"#)
            #expect(badAction.errorCode == "invalid_action")
        }
    }
}

@Suite("Bulk endpoints")
struct BulkRouteTests {
    @Test("a user token marks all its own messages read; another user's ids are 403")
    func userBulk() async throws {
        let token = try await userToken("ann")
        try await makeTestApp().test(.router) { client async throws in
            try await client.createMessages(["ann", "bob"])
            try await client.createMessages(["ann"])
            let own = try await client.execute(
                uri: "/v1/channels/in-app/messages/bulk/read", method: .post, headers: bearer(token))
            #expect(own.status == .ok)
            let operation = try own.decode(BulkOperation.self)
            #expect(operation.status == .completed && operation.processedRows == 2 && operation.name == "mark_as_read")
            var headers = jsonHeaders
            headers[.authorization] = "Bearer \(token)"
            let other = try await client.send(
                .post, "/v1/channels/in-app/messages/bulk/read", headers: headers, json: #"{"user_ids":["bob"]}"#)
            #expect(other.status == .forbidden)
            let explicit = try await client.send(
                .post, "/v1/channels/in-app/messages/bulk/archive", headers: headers, json: #"{"recipient_ids":["ann"]}"#)
            #expect(try explicit.decode(BulkOperation.self).action == "archived")
            let bob = try await client.send(.get, "/v1/users/bob/feeds/in-app?mark_seen=false").decode(FeedPage.self)
            #expect(bob.meta.unreadCount == 1 && bob.meta.totalCount == 1)
            let status = try await client.execute(uri: "/v1/bulk_operations/\(operation.id)", method: .get, headers: bearer(token))
            #expect(try status.decode(BulkOperation.self) == operation)
            let bobToken = try await userToken("bob")
            let foreign = try await client.execute(uri: "/v1/bulk_operations/\(operation.id)", method: .get, headers: bearer(bobToken))
            #expect(foreign.status == .notFound)
        }
    }

    @Test("bad filters are a 422 naming the field", arguments: [
        (#"{"engagement_status":"loud"}"#, "invalid_engagement_status"), (#"{"archived":"never"}"#, "invalid_archived"),
        (#"{"tenants":"acme"}"#, "invalid_tenants"), (#"{"has_tenant":"yes"}"#, "invalid_has_tenant"),
        (#"{"older_than":"yesterday"}"#, "invalid_older_than"), (#"{"user_ids":[""]}"#, "invalid_user_ids"),
        (#"{"sources":[1]}"#, "invalid_sources"), (#"{"newer_than":5}"#, "invalid_newer_than"),
        (#"{"newer_than":"2026-02-30T00:00:00Z"}"#, "invalid_newer_than"),
        (#"{"user_ids":["ann"],"recipient_ids":["bob"]}"#, "invalid_user_ids"), ("[]", "invalid_body"),
    ])
    func badFilters(body: String, code: String) async throws {
        try await makeTestApp().test(.router) { client async throws in
            let response = try await client.send(.post, "/v1/channels/in-app/messages/bulk/read", json: body)
            #expect(response.status == .unprocessableContent && response.errorCode == code)
        }
    }

    @Test("a large channel-wide operation answers 202 and reports progress until completed")
    func background() async throws {
        let (app, dependencies) = try await makeTestServer()
        try await app.test(.router) { client async throws in
            let recipients = (0..<1000).map { "\"user-\($0)\"" }.joined(separator: ",")
            for _ in 0..<6 {
                let body = #"{"recipients":[\#(recipients)],"blocks":[{"type":"text","content":"x"}]}"#
                #expect(try await client.send(.post, "/v1/channels/in-app/messages", json: body).status == .created)
            }
            let response = try await client.send(.post, "/v1/channels/in-app/messages/bulk/seen")
            #expect(response.status == .accepted)
            let operation = try response.decode(BulkOperation.self)
            #expect(operation.estimatedTotalRows == 6000 && operation.status == .queued)
            // The background runner is not started in router tests; drive it here.
            let finished = try await dependencies.database.runBulk(operation.id)
            #expect(finished?.status == .completed)
            let status = try await client.send(.get, "/v1/bulk_operations/\(operation.id)").decode(BulkOperation.self)
            #expect(status.status == .completed && status.processedRows == 6000)
        }
    }
}
