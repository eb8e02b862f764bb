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
}
