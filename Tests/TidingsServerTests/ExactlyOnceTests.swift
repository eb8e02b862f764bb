import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import TidingsAPI

@testable import TidingsServer

@Suite("Long polling delivers every event exactly once")
struct ExactlyOnceTests {
    @Test("a poller following its cursor sees 1,000 creates and engagement changes once each, in commit order")
    func underLoad() async throws {
        let (app, dependencies) = try await makeTestServer()
        try await app.test(.router) { client async throws in
            let path = "/v1/users/ann/feeds/in-app/updates"
            let start = try await client.send(.get, path).decode(UpdatesResponse.self).cursor
            let publishers = Task {
                var created = [String]()
                var generator = SystemRandomNumberGenerator()
                while created.count < 1000 {
                    let burst = min(Int.random(in: 1...40, using: &generator), 1000 - created.count)
                    for _ in 0..<burst {
                        created += try await client.createMessages(["ann", "decoy"]).filter { $0.recipient == "ann" }.map(\.id)
                    }
                    if let id = created.randomElement(using: &generator) {
                        _ = try await client.send(.put, "/v1/messages/\(id)/read")
                    }
                    await Task.yield()
                }
                return created.count
            }
            var cursor = start
            var positions = [Int64]()
            var created = Set<String>()
            while created.count < 1000 {
                let updates = try await client.send(.get, path + "?since=\(cursor)&timeout=10&limit=37")
                    .decode(UpdatesResponse.self)
                positions += updates.events.compactMap { Int64($0.id) }
                for event in updates.events where event.type == .messageCreated {
                    #expect(created.insert(try #require(event.message?.id)).inserted, "created twice")
                }
                cursor = updates.cursor
            }
            _ = try await publishers.value
            // Drain what the last publishes appended after the 1,000th create.
            while true {
                let next = try await client.send(.get, path + "?since=\(cursor)&timeout=0").decode(UpdatesResponse.self)
                positions += next.events.compactMap { Int64($0.id) }
                cursor = next.cursor
                if next.events.isEmpty { break }
            }
            #expect(positions == positions.sorted() && Set(positions).count == positions.count)
            let stored = try await dependencies.database.updates(of: .init(userID: "ann", channelID: "in-app"), since: 0, limit: 500_000)
            #expect(try positions.count == stored.events().count)
            let page = try await client.send(.get, "/v1/users/ann/feeds/in-app?mark_seen=false").decode(FeedPage.self)
            let final = try await client.send(.get, path + "?since=\(cursor)&timeout=0").decode(UpdatesResponse.self)
            #expect(final.meta == FeedCounts(totalCount: page.meta.totalCount, unreadCount: page.meta.unreadCount, unseenCount: page.meta.unseenCount))
            #expect(page.meta.totalCount == 1000)
        }
    }
}
