import Foundation
import GRDB
import Testing
import TidingsAPI
import TidingsCore

@testable import TidingsStore

/// Pruning the update stream by age and by length per feed (issue 5, retention).
@Suite("Update stream retention")
struct RetentionTests {
    static let hour: Int64 = 3_600_000
    static let feed = FeedKey(userID: "a", channelID: "in-app")

    /// Creates one message for each user at `milliseconds`.
    static func create(_ users: [String], at milliseconds: Int64, in database: AppDatabase) async throws {
        _ = try await database.createMessages(
            newMessages(users), idempotency: nil, now: Timestamp(milliseconds: milliseconds))
    }

    static func positions(_ database: AppDatabase) async throws -> [Int64] {
        try await database.pool.read { db in
            try Int64.fetchAll(db, sql: "SELECT position FROM feed_update ORDER BY position")
        }
    }

    @Test("entries older than the age go, one exactly that old and younger ones stay, and a cursor before them expires")
    func byAge() async throws {
        let database = try makeDatabase()
        let base: Int64 = 1_000 * Self.hour
        try await Self.create(["a", "b"], at: base, in: database)  // positions 1, 2
        try await Self.create(["a"], at: base + Self.hour / 2, in: database)  // 3
        try await Self.create(["a"], at: base + Self.hour, in: database)  // 4: exactly the age
        try await Self.create(["a", "b"], at: base + 3 * Self.hour, in: database)  // 5, 6
        let pruned = try await database.pruneUpdateStream(
            maxAgeMilliseconds: 2 * Self.hour, maxPerFeed: 100, now: Timestamp(milliseconds: base + 3 * Self.hour))
        #expect(pruned == 3)
        #expect(try await Self.positions(database) == [4, 5, 6])
        await #expect(throws: TidingsError.cursorExpired) {
            _ = try await database.updates(of: Self.feed, since: 2, limit: 10)
        }
        let fromPruned = try await database.updates(of: Self.feed, since: 3, limit: 10)
        #expect(fromPruned.entries.map(\.position) == [4, 5])
        // b lost position 2 only: a cursor at 2 still sees everything after it.
        let b = try await database.updates(of: FeedKey(userID: "b", channelID: "in-app"), since: 2, limit: 10)
        #expect(b.entries.map(\.position) == [6])
    }

    @Test("an old entry behind a younger one (a clock set back) waits for it; none goes before its age")
    func clockSetBack() async throws {
        let database = try makeDatabase()
        let base: Int64 = 1_000 * Self.hour
        try await Self.create(["a"], at: base, in: database)  // 1: old
        try await Self.create(["a"], at: base + 5 * Self.hour, in: database)  // 2: young
        try await Self.create(["a"], at: base + Self.hour, in: database)  // 3: old, after the clock went back
        let now = Timestamp(milliseconds: base + 6 * Self.hour)
        #expect(try await database.pruneUpdateStream(maxAgeMilliseconds: 2 * Self.hour, maxPerFeed: 100, now: now) == 1)
        #expect(try await Self.positions(database) == [2, 3])
        let later = Timestamp(milliseconds: base + 8 * Self.hour)
        let prunedLater = try await database.pruneUpdateStream(
            maxAgeMilliseconds: 2 * Self.hour, maxPerFeed: 100, now: later)
        #expect(prunedLater == 2)
        #expect(try await Self.positions(database).isEmpty)
    }

    @Test("with every entry old, all go in transactions of 1,000, and the feed's head stays")
    func everythingOld() async throws {
        let database = try makeDatabase()
        let users = (0..<1000).map { "u\($0)" }
        try await Self.create(users, at: 0, in: database)
        try await Self.create(users + ["a"], at: Self.hour, in: database)
        let pruned = try await database.pruneUpdateStream(
            maxAgeMilliseconds: Self.hour, maxPerFeed: 100, now: Timestamp(milliseconds: 3 * Self.hour))
        #expect(pruned == 2001)
        #expect(try await Self.positions(database).isEmpty)
        #expect(try await BulkWalkTests.countersAreExact(database))
        let head = try await database.updates(of: Self.feed, since: 2001, limit: 10)
        #expect(head.entries.isEmpty)
        await #expect(throws: TidingsError.cursorExpired) {
            _ = try await database.updates(of: Self.feed, since: 2000, limit: 10)
        }
    }

    @Test("each feed keeps its newest entries up to the length; others are untouched")
    func byLength() async throws {
        let database = try makeDatabase()
        for index in 0..<5 { try await Self.create(["a"], at: Int64(index), in: database) }  // 1...5
        try await Self.create(["b"], at: 5, in: database)  // 6
        let pruned = try await database.pruneUpdateStream(
            maxAgeMilliseconds: Self.hour, maxPerFeed: 2, now: Timestamp(milliseconds: 10))
        #expect(pruned == 3)
        #expect(try await Self.positions(database) == [4, 5, 6])
        await #expect(throws: TidingsError.cursorExpired) {
            _ = try await database.updates(of: Self.feed, since: 2, limit: 10)
        }
        #expect(try await database.updates(of: Self.feed, since: 3, limit: 10).entries.map(\.position) == [4, 5])
        #expect(try await BulkWalkTests.countersAreExact(database))
    }

    @Test("each feed's stream length stays exact through creates, changes, a bulk and pruning by length")
    func lengthsStayExact() async throws {
        let database = try makeDatabase()
        let ids = try await database.create(4, for: "a")  // a: 4 entries
        _ = try await database.createMessages(newMessages(["a", "b"]), idempotency: nil)  // a: 5, b: 1
        _ = try await database.applyEngagement(.read, to: [ids[0], ids[1]], visibleTo: nil)  // a: 7
        let page = try await database.readFeed(FeedQuery(feed: Self.feed, pageSize: 3))  // a: 10, 3 marked seen
        #expect(page.meta.markedSeen == 3)
        let bulk = try await database.startBulk(.seen, channelID: "in-app", filter: BulkFilter(), createdBy: nil)
        _ = try #require(try await database.runBulk(bulk.id))  // a: 11, b: 2
        #expect(try await BulkWalkTests.countersAreExact(database))
        #expect(try await Self.lengths(database) == ["a": 11, "b": 2])
        // Only a is past 3; the newest 3 of its entries stay.
        #expect(try await database.pruneUpdateStream(maxAgeMilliseconds: 1000 * Self.hour, maxPerFeed: 3) == 8)
        #expect(try await BulkWalkTests.countersAreExact(database))
        #expect(try await Self.lengths(database) == ["a": 3, "b": 2])
        #expect(try await database.pruneUpdateStream(maxAgeMilliseconds: 1000 * Self.hour, maxPerFeed: 3) == 0)
    }

    /// Each feed's `stream_length`, by user.
    static func lengths(_ database: AppDatabase) async throws -> [String: Int] {
        try await database.pool.read { db in
            Dictionary(
                uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT user_id, stream_length FROM feed").map {
                    ($0[0] as String, $0[1] as Int)
                })
        }
    }
}
