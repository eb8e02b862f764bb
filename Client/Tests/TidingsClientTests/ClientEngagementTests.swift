import Foundation
import Testing
import TidingsAPI
import TidingsClient

@Suite("TidingsClient against a real server: engagement, batches and bulk operations")
struct ClientEngagementTests {
    @Test("setEngagement sets and clears each flag and answers the item after the change")
    func perMessage() async throws {
        try await TestServer.with { server in
            let client = try server.client()
            let id = try #require(try await client.send("hello", to: ["erin"]).first)
            let read = try await client.setEngagement(.read, messageID: id)
            #expect(read.readAt != nil)
            #expect(read.engagementStatuses.contains("read"))
            let unread = try await client.setEngagement(.unread, messageID: id)
            #expect(unread.readAt == nil)
            let archived = try await client.setEngagement(.archived, messageID: id)
            #expect(archived.archivedAt != nil)
            #expect(try await client.setEngagement(.unarchived, messageID: id).archivedAt == nil)
            #expect(try await client.setEngagement(.seen, messageID: id).seenAt != nil)
            #expect(try await client.setEngagement(.unseen, messageID: id).seenAt == nil)
            let interacted = try await client.setEngagement(
                .interacted, messageID: id, metadata: ["button": .string("open")])
            #expect(interacted.interactedAt != nil)
            #expect(try await client.message(id: id).interactedAt == interacted.interactedAt)
            let timeline = try await client.messageEvents(id: id).map(\.type)
            #expect(
                timeline == [
                    "message.created", "message.read", "message.unread", "message.archived", "message.unarchived",
                    "message.seen", "message.unseen", "message.interacted",
                ])
        }
    }

    @Test("an unknown message id is a 404 error")
    func unknownMessage() async throws {
        try await TestServer.with { server in
            let client = try server.client()
            do {
                _ = try await client.setEngagement(.read, messageID: "msg_doesnotexist1")
                Issue.record("an unknown message was marked")
            } catch let error as TidingsClientError {
                #expect(error.status == 404)
            }
        }
    }

    @Test("a user token sees and changes only its own user's messages")
    func userToken() async throws {
        try await TestServer.with { server in
            let client = try server.client()
            let mine = try #require(try await client.send("mine", to: ["fay"]).first)
            let theirs = try #require(try await client.send("theirs", to: ["gus"]).first)
            let token = try await TestTokens.mint(user: "fay")
            let fay = try server.client(credential: token)
            #expect(try await fay.setEngagement(.read, messageID: mine).readAt != nil)
            let batch = try await fay.batch(.archived, messageIDs: [mine, theirs])
            #expect(batch.map(\.id) == [mine])
            await #expect(throws: TidingsClientError.self) { try await fay.message(id: theirs) }
        }
    }

    @Test("batch changes the named messages and leaves unknown ids out")
    func batch() async throws {
        try await TestServer.with { server in
            let client = try server.client()
            let ids = try await client.sendMany(3, to: "hal")
            let updated = try await client.batch(.read, messageIDs: ids + ["msg_doesnotexist1"])
            #expect(Set(updated.map(\.id)) == Set(ids))
            #expect(updated.allSatisfy { $0.readAt != nil })
            let page = try await client.feed(user: "hal", channel: "in-app", options: FeedOptions(markSeen: false))
            #expect(page.meta.unreadCount == 0)
        }
    }

    @Test("bulk marks a user's feed and its operation can be read back")
    func bulk() async throws {
        try await TestServer.with { server in
            let client = try server.client()
            _ = try await client.sendMany(4, to: "ivy")
            _ = try await client.sendMany(2, to: "jon")
            let operation = try await client.bulk(.read, channel: "in-app", filter: BulkRequest(userIDs: ["ivy"]))
            #expect(operation.status == .completed)
            #expect(operation.name == "mark_as_read")
            #expect(operation.estimatedTotalRows == 4)
            #expect(operation.processedRows == 4)
            #expect(try await client.bulkOperation(id: operation.id) == operation)
            let ivy = try await client.feed(user: "ivy", channel: "in-app", options: FeedOptions(markSeen: false))
            let jon = try await client.feed(user: "jon", channel: "in-app", options: FeedOptions(markSeen: false))
            #expect(ivy.meta.unreadCount == 0)
            #expect(jon.meta.unreadCount == 2)
            await #expect(throws: TidingsClientError.self) { try await client.bulkOperation(id: "bulk_nope") }
        }
    }
}
