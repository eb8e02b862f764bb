import Foundation
import Testing
import TidingsAPI
import TidingsClient

@Suite("TidingsClient against a real server: messages and feeds")
struct ClientFeedTests {
    @Test("createMessages answers one message per recipient, in order, and replays with an idempotency key")
    func createAndReplay() async throws {
        try await TestServer.with { server in
            let client = try server.client()
            let request = CreateMessagesRequest(
                recipients: ["ann", "bob"], source: "comment-created", actor: .init(id: "user-9", name: "Ann"),
                data: ["post_id": .number(42)], blocks: [.init(type: .markdown, name: "body", content: "**hi**")])
            let first = try await client.createMessages(channel: "in-app", request, idempotencyKey: "k-1")
            #expect(first.replayed == false)
            #expect(first.response.messages.map(\.recipient) == ["ann", "bob"])
            #expect(first.response.messages.allSatisfy { $0.channelID == "in-app" && $0.id.hasPrefix("msg_") })
            let again = try await client.createMessages(channel: "in-app", request, idempotencyKey: "k-1")
            #expect(again.replayed)
            #expect(again.response == first.response)
            let page = try await client.feed(user: "ann", channel: "in-app")
            #expect(page.entries.count == 1)
            #expect(page.entries.first?.blocks.first?.rendered == "<p><strong>hi</strong></p>")
            #expect(page.entries.first?.source?.key == "comment-created")
        }
    }

    @Test("feed marks what it shows seen, and markSeen false only peeks")
    func feedMarksSeen() async throws {
        try await TestServer.with { server in
            let client = try server.client()
            _ = try await client.sendMany(3, to: "carol")
            let peek = try await client.feed(user: "carol", channel: "in-app", options: FeedOptions(markSeen: false))
            #expect(peek.meta.markedSeen == 0)
            #expect(peek.meta.unseenCount == 3)
            let read = try await client.feed(user: "carol", channel: "in-app", options: FeedOptions(pageSize: 2))
            #expect(read.meta.markedSeen == 2)
            #expect(read.meta.unseenCount == 1)
            #expect(read.entries.allSatisfy { $0.seenAt != nil })
            #expect(read.pageInfo.after != nil)
            let unseen = try await client.feed(
                user: "carol", channel: "in-app", options: FeedOptions(status: .unseen, markSeen: false))
            #expect(unseen.entries.map(\.blocks.first?.content) == ["message 1"])
        }
    }

    @Test("feedPages walks every older page once, newest first, and newer pages from a before cursor")
    func walksPages() async throws {
        try await TestServer.with { server in
            let client = try server.client()
            let ids = try await client.sendMany(7, to: "dave")
            var walked = [String]()
            var pages = 0
            for try await page in client.feedPages(
                user: "dave", channel: "in-app", options: FeedOptions(pageSize: 3, markSeen: false))
            {
                walked += page.entries.map(\.id)
                pages += 1
            }
            #expect(pages == 3)
            #expect(walked == ids.reversed())
            let oldest = try await client.feed(
                user: "dave", channel: "in-app", options: FeedOptions(pageSize: 1, after: nil, markSeen: false))
            let newest = try #require(oldest.entries.first)
            let newer = try await client.sendMany(4, to: "dave")
            var caughtUp = [String]()
            for try await page in client.feedPages(
                user: "dave", channel: "in-app",
                options: FeedOptions(pageSize: 3, before: newest.cursor, markSeen: false))
            {
                caughtUp += page.entries.map(\.id)
            }
            #expect(Set(caughtUp) == Set(newer))
            #expect(caughtUp.count == newer.count)
        }
    }

    @Test("user and channel ids are percent-encoded, so any valid id works")
    func encodesPathSegments() async throws {
        try await TestServer.with { server in
            let client = try server.client()
            let user = "team/ann b?x=1&y#2%"
            let ids = try await client.send("odd id", to: [user])
            let page = try await client.feed(user: user, channel: "in-app")
            #expect(page.entries.map(\.id) == ids)
            #expect(page.entries.first?.recipient == user)
        }
    }

    @Test("server errors carry the status, code and message of the error body")
    func serverErrors() async throws {
        try await TestServer.with { server in
            let badKey = try server.client(credential: "sk_wrong")
            await #expect(throws: TidingsClientError.self) { try await badKey.feed(user: "ann", channel: "in-app") }
            do {
                _ = try await badKey.feed(user: "ann", channel: "in-app")
            } catch let error as TidingsClientError {
                #expect(error.status == 401)
                #expect(error.code == "unauthorized")
                #expect(!error.isTransient)
            }
            let client = try server.client()
            do {
                _ = try await client.feed(user: "ann", channel: "in-app", options: FeedOptions(after: "garbage"))
                Issue.record("a malformed cursor was accepted")
            } catch let error as TidingsClientError {
                #expect(error.status == 400)
                #expect(error.code == "invalid_cursor")
            }
            #expect(try await client.isReady())
        }
    }

    @Test("a server that is not there is unreachable, a transient error")
    func unreachable() async throws {
        let client = try TidingsClient(baseURL: try #require(URL(string: "http://127.0.0.1:1")), credential: "x")
        do {
            _ = try await client.feed(user: "ann", channel: "in-app")
            Issue.record("reached a server on port 1")
        } catch let error as TidingsClientError {
            guard case .unreachable = error else {
                Issue.record("expected unreachable, got \(error)")
                return
            }
            #expect(error.isTransient)
        }
    }

    @Test("a base URL that is not http or https is refused")
    func refusesBadBaseURL() throws {
        #expect(throws: TidingsClientError.self) {
            try TidingsClient(baseURL: try #require(URL(string: "ftp://example.com")), credential: nil)
        }
    }
}
