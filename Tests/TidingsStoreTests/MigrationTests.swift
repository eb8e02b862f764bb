import Foundation
import GRDB
import Testing
import TidingsAPI
import TidingsCore

@testable import TidingsStore

/// A database written by an earlier release opens under this one with its data whole.
@Suite("Schema migrations")
struct MigrationTests {
    /// A database file as a release that stopped at `migration` left it, with the rows of
    /// `sql` written by that release's schema.
    static func database(upTo migration: String, holding sql: String) async throws -> String {
        let path = try freshDatabasePath()
        let queue = try DatabaseQueue(path: path)
        try AppDatabase.migrator.migrate(queue, upTo: migration)
        try await queue.write { db in try db.execute(sql: sql) }
        try queue.close()
        return path
    }

    @Test("a v3 database with messages takes v4: counters stay exact as creates and changes go on")
    func v3ToV4() async throws {
        // v3's insert trigger counts these rows, as a v3 server's creates were counted.
        let path = try await Self.database(
            upTo: "v3: bulk operations walk feeds and count feeds once per chunk",
            holding: """
                INSERT INTO feed (user_id, channel_id) VALUES ('a', 'in-app'), ('b', 'in-app');
                INSERT INTO message_content (actors, data, blocks) VALUES ('[]', '{}', '[]');
                INSERT INTO message (token, feed_id, content_id, inserted_at, updated_at, read_at)
                VALUES (1, 1, 1, 5, 5, NULL), (2, 1, 1, 6, 6, 7), (3, 2, 1, 8, 8, NULL);
                INSERT INTO feed_update (feed_id, kind, message_seq, inserted_at)
                VALUES (1, 0, 1, 5), (1, 0, 2, 6), (2, 0, 3, 8);
                """)
        let database = try AppDatabase(path: path)
        let schema = try await database.pool.read { db in
            try String.fetchAll(
                db, sql: "SELECT name FROM sqlite_master WHERE name IN ('message_counts_insert', 'feed_update_time')")
        }
        #expect(schema.isEmpty)
        let a = FeedKey(userID: "a", channelID: "in-app")
        let before = try await database.peek(a).meta
        #expect(before.totalCount == 2 && before.unreadCount == 1 && before.unseenCount == 2)
        _ = try await database.createMessages(newMessages(["a", "b", "c"]), idempotency: nil)
        let third = try await database.create(1, for: "a")[0]
        try await database.setDirectly("seen_at", of: third, to: 9)
        #expect(try await BulkWalkTests.countersAreExact(database))
        let after = try await database.peek(a).meta
        #expect(after.totalCount == 4 && after.unreadCount == 3 && after.unseenCount == 3)
        #expect(try await database.updates(of: a, since: 0, limit: 10).entries.map(\.position) == [1, 2, 4, 7])
    }

    @Test("a v4 database takes v5: each feed's stream length is counted, and pruning by length follows it")
    func v4ToV5() async throws {
        let path = try await Self.database(
            upTo: "v4: creates count their feeds in one statement; no stream index on time",
            holding: """
                INSERT INTO feed (user_id, channel_id) VALUES ('a', 'in-app'), ('b', 'in-app'), ('c', 'in-app');
                INSERT INTO feed_update (feed_id, kind, message_seq, inserted_at)
                VALUES (1, 1, 1, 5), (1, 1, 1, 6), (1, 1, 1, 7), (2, 1, 1, 8);
                """)
        let database = try AppDatabase(path: path)
        #expect(try await RetentionTests.lengths(database) == ["a": 3, "b": 1, "c": 0])
        let pruned = try await database.pruneUpdateStream(
            maxAgeMilliseconds: 1_000_000, maxPerFeed: 1, now: .init(milliseconds: 10))
        #expect(pruned == 2)
        #expect(try await RetentionTests.lengths(database) == ["a": 1, "b": 1, "c": 0])
    }
}
