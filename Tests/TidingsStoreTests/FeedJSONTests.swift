import Foundation
import Testing
import TidingsAPI
import TidingsCore

@testable import TidingsStore

@Suite("Feed pages written as JSON by hand")
struct FeedJSONTests {
    @Test("the hand-written JSON decodes to exactly the typed page, strings with quotes and control characters included")
    func sameAsTyped() async throws {
        let database = try makeDatabase()
        let user = "ann \"quoted\" \\ tab\tnewline\n ünïcödé"
        var new = newMessages([user], source: "src\"1", tenant: "t/1")
        new.actorsJSON = #"[{"id":"u-9","name":"Ann \"A\" \\ \u0001"}]"#
        new.dataJSON = #"{"post_id":42,"nested":{"a":[1,2.5,true,null]},"s":"\u00e9\n"}"#
        _ = try await database.createMessages(new, idempotency: nil)
        try await database.create(3, for: user)
        let feed = FeedKey(userID: user, channelID: "in-app")
        let typed = try await database.readFeed(FeedQuery(feed: feed, pageSize: 2, markSeen: false))
        let bytes = try await database.readFeedJSON(FeedQuery(feed: feed, pageSize: 2, markSeen: false))
        #expect(try JSONDecoder().decode(FeedPage.self, from: Data(bytes)) == typed)
        let marked = try await database.readFeedJSON(FeedQuery(feed: feed))
        let page = try JSONDecoder().decode(FeedPage.self, from: Data(marked))
        #expect(page.meta.markedSeen == 4 && page.entries.allSatisfy { $0.seenAt != nil })
        #expect(page.entries.last?.actors == [.object(["id": .string("u-9"), "name": .string("Ann \"A\" \\ \u{1}")])])
        #expect(page.entries.last?.source?.key == "src\"1" && page.entries.last?.tenant == "t/1")
    }

    @Test(
        "every kind of page is the same whether written as it is read or from its rows",
        arguments: [
            "newest", "older", "newer", "unread only", "archived only", "archived included", "by source", "by tenant",
            "past the end", "empty feed",
        ])
    func sameAsTypedForEveryPage(_ kind: String) async throws {
        let database = try makeDatabase()
        let user = kind == "empty feed" ? "nobody" : "dee"
        let feed = FeedKey(userID: user, channelID: "in-app")
        let ids = try await database.create(7, for: "dee", source: "build", tenant: "acme")
        try await database.create(2, for: "dee")
        _ = try await database.applyEngagement(.read, to: [ids[1], ids[4]], visibleTo: nil)
        _ = try await database.applyEngagement(.archived, to: [ids[2]], visibleTo: nil)
        _ = try await database.applyEngagement(.interacted, to: [ids[5]], visibleTo: nil, metadata: #"{"k":"v"}"#)
        func cursor(_ index: Int) throws -> Int64 {
            try #require(MessageID(ids[index])).sequence
        }
        var query = FeedQuery(feed: feed, pageSize: 3, markSeen: false)
        switch kind {
        case "older": query.position = .olderThan(try cursor(5))
        case "newer": query.position = .newerThan(try cursor(1))
        case "unread only": query.status = .unread
        case "archived only": query.scope.archived = .only
        case "archived included": query.scope.archived = .include
        case "by source": query.scope.source = "build"
        case "by tenant": query.scope.tenant = .only("acme")
        case "past the end": query.position = .olderThan(try cursor(0))
        default: break
        }
        let typed = try await database.readFeed(query)
        let bytes = try await database.readFeedJSON(query)
        #expect(try JSONDecoder().decode(FeedPage.self, from: Data(bytes)) == typed)
        if kind == "newest" { #expect(typed.entries.count == 3 && typed.pageInfo.after != nil) }
    }

    @Test("a snapshot page with an entry to mark seen is left to the write transaction; an all-seen one is written")
    func renderedPageDefersMarking() async throws {
        let database = try makeDatabase()
        let feed = FeedKey(userID: "eve", channelID: "in-app")
        try await database.create(2, for: "eve")
        let marking = FeedQuery(feed: feed)
        #expect(try await database.pool.read { db in try FeedReader(db: db, query: marking).renderedPage() } == nil)
        let first = try JSONDecoder().decode(FeedPage.self, from: Data(try await database.readFeedJSON(marking)))
        #expect(first.meta.markedSeen == 2 && first.meta.unseenCount == 0)
        let again = try await database.pool.read { db in try FeedReader(db: db, query: marking).renderedPage() }
        let page = try JSONDecoder().decode(FeedPage.self, from: Data(try #require(again)))
        #expect(page.meta.markedSeen == 0 && page.entries.map(\.seenAt) == first.entries.map(\.seenAt))
    }
}
