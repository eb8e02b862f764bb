import Foundation
import GRDB
import Testing
import TidingsAPI
import TidingsCore

@testable import TidingsStore

@Suite("Per-message engagement and timelines")
struct EngagementTests {
    let feed = FeedKey(userID: "u", channelID: "in-app")

    func timeline(_ database: AppDatabase, _ id: String) async throws -> [String] {
        try await database.events(of: id, visibleTo: nil)?.map(\.type) ?? []
    }

    @Test("setting records one event; setting again only moves the timestamp; clearing nulls it")
    func setAgainAndClear() async throws {
        let database = try makeDatabase()
        let id = try await database.create(1, for: "u")[0]
        let first = try #require(try await database.applyEngagement(.read, to: [id], visibleTo: nil, now: .init(milliseconds: 1000)).first)
        #expect(first.readAt == "1970-01-01T00:00:01.000Z" && first.seenAt == nil)
        #expect(first.engagementStatuses == ["read"])
        let again = try #require(try await database.applyEngagement(.read, to: [id], visibleTo: nil, now: .init(milliseconds: 2000)).first)
        #expect(again.readAt == "1970-01-01T00:00:02.000Z" && again.updatedAt == again.readAt)
        let cleared = try #require(try await database.applyEngagement(.unread, to: [id], visibleTo: nil).first)
        #expect(cleared.readAt == nil && cleared.engagementStatuses.isEmpty)
        _ = try await database.applyEngagement(.unread, to: [id], visibleTo: nil)
        #expect(try await timeline(database, id) == ["message.created", "message.read", "message.unread"])
        let updates = try await database.pool.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM feed_update WHERE kind = 1")
        }
        #expect(updates == 2)
    }

    @Test("flags are independent and counts follow them")
    func independentFlags() async throws {
        let database = try makeDatabase()
        let ids = try await database.create(3, for: "u")
        _ = try await database.applyEngagement(.read, to: [ids[0]], visibleTo: nil)
        _ = try await database.applyEngagement(.archived, to: [ids[1]], visibleTo: nil)
        _ = try await database.applyEngagement(.interacted, to: [ids[2]], visibleTo: nil, metadata: #"{"k":"v"}"#)
        let item = try #require(try await database.message(ids[2], visibleTo: nil))
        #expect(item.interactedAt != nil && item.seenAt == nil && item.readAt == nil)
        let meta = try await database.peek(feed).meta
        #expect(meta.totalCount == 2 && meta.unreadCount == 1 && meta.unseenCount == 2)
        let events = try #require(try await database.events(of: ids[2], visibleTo: nil))
        #expect(events.last?.type == "message.interacted" && events.last?.data == .object(["k": .string("v")]))
    }

    @Test("another user's message is invisible, exactly like a missing one")
    func foreign() async throws {
        let database = try makeDatabase()
        let id = try await database.create(1, for: "owner")[0]
        #expect(try await database.message(id, visibleTo: "intruder") == nil)
        #expect(try await database.events(of: id, visibleTo: "intruder") == nil)
        #expect(try await database.applyEngagement(.read, to: [id], visibleTo: "intruder").isEmpty)
        #expect(try await database.message(id, visibleTo: "owner")?.readAt == nil)
        // A forged id with the right sequence but a wrong token is not found either.
        let parsed = try #require(MessageID(id))
        let forged = MessageID(sequence: parsed.sequence, token: parsed.token &+ 1).string
        #expect(try await database.message(forged, visibleTo: nil) == nil)
    }

    @Test("a batch skips unknown and foreign ids, and the same batch twice records events once")
    func batch() async throws {
        let database = try makeDatabase()
        let mine = try await database.create(3, for: "u")
        let theirs = try await database.create(1, for: "v")
        let ids = mine + theirs + ["msg_nope", mine[0]]
        let items = try await database.applyEngagement(.seen, to: ids, visibleTo: "u")
        #expect(items.map(\.id) == mine)
        _ = try await database.applyEngagement(.seen, to: ids, visibleTo: "u")
        let seenEvents = try await database.pool.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM message_event WHERE type = 'message.seen'")
        }
        #expect(seenEvents == 3)
        #expect(try await database.message(theirs[0], visibleTo: nil)?.seenAt == nil)
    }

    @Test("the timeline includes the marking done by a feed fetch")
    func fetchInTimeline() async throws {
        let database = try makeDatabase()
        let id = try await database.create(1, for: "u")[0]
        _ = try await database.readFeed(FeedQuery(feed: feed))
        _ = try await database.applyEngagement(.read, to: [id], visibleTo: "u")
        #expect(try await timeline(database, id) == ["message.created", "message.seen", "message.read"])
    }
}
