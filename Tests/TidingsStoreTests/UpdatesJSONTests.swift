import Foundation
import Testing
import TidingsAPI
import TidingsCore

@testable import TidingsStore

@Suite("The update stream's hand-written JSON")
struct UpdatesJSONTests {
    @Test("a poll's JSON decodes to exactly the typed answer: created, updated and bulk events, counts, cursor")
    func jsonMatchesTyped() async throws {
        let database = try makeDatabase()
        let feed = FeedKey(userID: "u", channelID: "in-app")
        let ids = try await database.create(3, for: "u", source: "comment", tenant: "t1")
        _ = try await database.applyEngagement(.read, to: [ids[1]], visibleTo: nil)
        _ = try await database.applyEngagement(
            .interacted, to: [ids[2]], visibleTo: nil, metadata: #"{"k":"v \" quoted"}"#)
        let started = try await database.startBulk(.seen, channelID: "in-app", filter: BulkFilter(), createdBy: nil)
        _ = try await database.runBulk(started.id)
        for (since, limit) in [(0, 100), (0, 2), (2, 100)] as [(Int64, Int)] {
            let batch = try await database.updates(of: feed, since: since, limit: limit)
            let typed = UpdatesResponse(
                events: try batch.events(),
                cursor: FeedCursor(kind: .update, feed: feed, position: batch.position).encoded,
                hasMore: batch.hasMore, meta: batch.counts)
            let written = try JSONDecoder().decode(UpdatesResponse.self, from: Data(batch.json()))
            #expect(written == typed)
        }
        let all = try await database.updates(of: feed, since: 0, limit: 100)
        #expect(try all.events().map(\.type) == [
            .messageCreated, .messageCreated, .messageCreated, .messageUpdated, .messageUpdated, .feedBulkUpdated,
        ])
        #expect(all.counts == FeedCounts(totalCount: 3, unreadCount: 2, unseenCount: 0))
        #expect(try await database.updates(of: feed, since: 0, limit: 2).hasMore)
    }
}
