import Foundation
import GRDB
import TestSupport
import Testing
import TidingsAPI
import TidingsCore

@testable import TidingsStore

/// The two walks of a bulk operation, its per-chunk counting, and where it resumes.
@Suite("Bulk walks and counts")
struct BulkWalkTests {
    static let tiny = BulkLimits(rows: 3, window: 2, scanned: 5, feedStep: 1)
    static let scopes: [String?] = [nil, "exclude", "include", "only"]

    /// Every feed's counters (its stream length too) equal counting its rows, and the trigger
    /// is not held back.
    static func countersAreExact(_ database: AppDatabase) async throws -> Bool {
        try await database.pool.read { db in
            let wrong = try Int.fetchOne(
                db,
                sql: """
                    SELECT count(*) FROM feed f WHERE
                       total_all <> (SELECT count(*) FROM message m WHERE m.feed_id = f.id)
                    OR unread_all <> (SELECT count(*) FROM message m WHERE m.feed_id = f.id AND read_at IS NULL)
                    OR unseen_all <> (SELECT count(*) FROM message m WHERE m.feed_id = f.id AND seen_at IS NULL)
                    OR total_archived <> (SELECT count(*) FROM message m WHERE m.feed_id = f.id AND archived_at IS NOT NULL)
                    OR unread_archived <> (SELECT count(*) FROM message m
                        WHERE m.feed_id = f.id AND archived_at IS NOT NULL AND read_at IS NULL)
                    OR unseen_archived <> (SELECT count(*) FROM message m
                        WHERE m.feed_id = f.id AND archived_at IS NOT NULL AND seen_at IS NULL)
                    OR stream_length <> (SELECT count(*) FROM feed_update u WHERE u.feed_id = f.id)
                    """)
            let held = try Int.fetchOne(db, sql: "SELECT active FROM feed_counts_deferral")
            return wrong == 0 && held == 0
        }
    }

    /// Feeds `u`, `v` on `in-app` and `u` on `web`, 12 messages each, in every combination
    /// of seen, read, archived, interacted and tenant, created interleaved.
    static func mixedDatabase() async throws -> AppDatabase {
        let database = try makeDatabase()
        var flags = [(String, Int)]()
        for index in 0..<12 {
            for (user, channel) in [("u", "in-app"), ("v", "in-app"), ("u", "web")] {
                let id = try await database.create(
                    1, for: user, channel: channel, source: index % 3 == 0 ? "like" : nil,
                    tenant: index % 4 == 0 ? "acme" : nil)[0]
                flags.append((id, index))
            }
        }
        for (id, index) in flags {
            if index % 2 == 0 { try await database.setDirectly("seen_at", of: id, to: 11) }
            if index % 3 == 1 { try await database.setDirectly("read_at", of: id, to: 12) }
            if index % 5 < 2 { try await database.setDirectly("archived_at", of: id, to: 13) }
            if index == 7 { try await database.setDirectly("interacted_at", of: id, to: 14) }
        }
        return database
    }

    /// Runs an operation to the end with `limits`, every chunk and the end at `now`.
    static func runAll(_ database: AppDatabase, _ id: String, limits: BulkLimits, now: Timestamp) async throws
        -> BulkOperation?
    {
        let sequence = try #require(MessageID(id, prefix: MessageID.bulkPrefix)).sequence
        while try await database.runBulkChunk(sequence, limits: limits, now: now) {}
        try await database.completeBulk(sequence, now: now)
        return try await database.bulkOperation(sequence: sequence)
    }

    @Test("counters stay exact after bulks of every action on feeds with mixed statuses and archived rows")
    func countersExact() async throws {
        let database = try await Self.mixedDatabase()
        #expect(try await Self.countersAreExact(database))
        var round = 0
        for action in EngagementAction.allCases {
            for archived in Self.scopes {
                round += 1
                let filter = BulkFilter(userIDs: round % 2 == 0 ? ["u"] : nil, archived: archived)
                let walk: BulkWalk = round % 3 == 0 ? .bySeq : .byFeed
                let started = try await database.startBulk(
                    action, channelID: "in-app", filter: filter, createdBy: nil, walk: walk)
                let finished = try #require(
                    try await Self.runAll(
                        database, started.id, limits: Self.tiny, now: .init(milliseconds: 1000 + Int64(round))))
                #expect(finished.status == .completed && finished.processedRows == started.estimatedTotalRows)
                #expect(try await Self.countersAreExact(database), "\(action) archived \(archived ?? "default")")
            }
        }
        // The trigger counts per-message changes again after a bulk.
        let fresh = try await database.create(1, for: "u")
        _ = try await database.applyEngagement(.read, to: fresh, visibleTo: nil)
        _ = try await database.applyEngagement(.archived, to: fresh, visibleTo: nil)
        #expect(try await Self.countersAreExact(database))
    }

    @Test("the estimate from the feed counters equals counting the rows")
    func estimateFromCounters() async throws {
        let database = try await Self.mixedDatabase()
        for action in EngagementAction.allCases {
            for archived in Self.scopes {
                for users in [nil, ["u"], ["u", "v", "nobody"]] {
                    let filter = BulkFilter(userIDs: users, archived: archived)
                    let (counted, scanned) = try await database.pool.read { db in
                        let maxSeq = try Int64.fetchOne(db, sql: "SELECT max(seq) FROM message") ?? 0
                        return (
                            try AppDatabase.matchingRows(
                                action, channelID: "in-app", filter: filter, maxSeq: maxSeq, db: db),
                            try AppDatabase.matchingRows(
                                action, channelID: "in-app", filter: filter, maxSeq: maxSeq, db: db, fromCounters: false
                            )
                        )
                    }
                    #expect(counted == scanned, "\(action) archived \(archived ?? "default") users \(users ?? [])")
                }
            }
        }
    }

    @Test("the feed walk and the seq walk change exactly the same rows, in any chunk size")
    func walksAgree() async throws {
        let bySeq = try await Self.mixedDatabase()
        let byFeed = try await Self.mixedDatabase()
        let filters: [(EngagementAction, BulkFilter)] = [
            (.read, BulkFilter()), (.seen, BulkFilter(userIDs: ["v", "u"], archived: "include")),
            (.archived, BulkFilter(engagementStatus: .read)),
            (.unread, BulkFilter(archived: "only", tenants: ["acme"])),
            (.unseen, BulkFilter(hasTenant: false, sources: ["like"])), (.unarchived, BulkFilter(userIDs: ["u"])),
            (.interacted, BulkFilter(archived: "include")), (.read, BulkFilter(olderThan: 0)),
        ]
        for (index, (action, filter)) in filters.enumerated() {
            let now = Timestamp(milliseconds: 5000 + Int64(index))
            var results = [BulkOperation]()
            for (database, walk, limits) in [
                (bySeq, BulkWalk.bySeq, Self.tiny), (byFeed, .byFeed, BulkLimits.byFeed),
            ] {
                let started = try await database.startBulk(
                    action, channelID: "in-app", filter: filter, createdBy: nil, walk: walk)
                results.append(try #require(try await Self.runAll(database, started.id, limits: limits, now: now)))
            }
            #expect(results[0].processedRows == results[1].processedRows, "\(action) \(filter)")
            #expect(results[0].processedRows == results[0].estimatedTotalRows)
            #expect(try await Self.snapshot(bySeq) == Self.snapshot(byFeed), "\(action) \(filter)")
        }
        #expect(try await Self.countersAreExact(bySeq))
        #expect(try await Self.countersAreExact(byFeed))
    }

    /// Messages, timeline events, feed counters and bulk stream entries, comparable across databases.
    static func snapshot(_ database: AppDatabase) async throws -> [String] {
        try await database.pool.read { db in
            let queries = [
                // Tokens and creation times differ between the databases; bulk times are small numbers.
                """
                SELECT seq, feed_id, seen_at, read_at, interacted_at, archived_at,
                    CASE WHEN updated_at < 100000 THEN updated_at END FROM message ORDER BY seq
                """,
                "SELECT message_seq, type, inserted_at FROM message_event ORDER BY message_seq, type, inserted_at",
                "SELECT * FROM feed ORDER BY id",
                "SELECT feed_id, bulk_action, bulk_rows, inserted_at FROM feed_update WHERE kind = 2 ORDER BY feed_id, position",
            ]
            return try queries.map { sql in try Row.fetchAll(db, sql: sql).map(\.description).joined(separator: "\n") }
        }
    }

    @Test("an operation over named users walks their feeds and resumes mid-feed after a restart")
    func resumeFeedWalk() async throws {
        let directory = try TestDirectory.make("tidings-walk")
        let path = directory.appendingPathComponent("tidings.sqlite").path
        var database: AppDatabase? = try AppDatabase(path: path)
        for _ in 0..<5 { _ = try await database?.createMessages(newMessages(["a", "b", "c", "d"]), idempotency: nil) }
        let started = try #require(
            try await database?.startBulk(
                .read, channelID: "in-app", filter: BulkFilter(userIDs: ["c", "a"]), createdBy: nil))
        let sequence = try #require(MessageID(started.id, prefix: MessageID.bulkPrefix)).sequence
        #expect(started.estimatedTotalRows == 10)
        #expect(try await database?.runBulkChunk(sequence, limits: Self.tiny) == true)
        #expect(try await database?.runBulkChunk(sequence, limits: Self.tiny) == true)
        let cursor = try database?.pool.read { db in
            try Row.fetchOne(
                db, sql: "SELECT feed_cursor, last_seq, processed_rows FROM bulk_operation WHERE id = ?",
                arguments: [sequence])
        }
        #expect((cursor?["feed_cursor"] as Int64?) ?? 0 > 0 && (cursor?["processed_rows"] as Int?) == 6)
        try database?.close()
        database = nil
        let reopened = try AppDatabase(path: path)
        #expect(try await reopened.unfinishedBulkOperations() == [started.id])
        let finished = try await reopened.runBulk(started.id)
        #expect(finished?.status == .completed && finished?.processedRows == 10)
        let stream = try await reopened.pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT f.user_id, u.bulk_rows FROM feed_update u JOIN feed f ON f.id = u.feed_id
                    WHERE u.kind = 2 ORDER BY f.user_id
                    """
            ).map { "\($0[0] as String)=\($0[1] as Int)" }
        }
        #expect(stream == ["a=5", "c=5"])
        let events = try await reopened.pool.read { db in
            try Int.fetchOne(db, sql: "SELECT count(DISTINCT message_seq) * 1000 + count(*) FROM message_event")
        }
        #expect(events == 10_010)
        #expect(try await reopened.peek(FeedKey(userID: "b", channelID: "in-app")).meta.unreadCount == 5)
        #expect(try await Self.countersAreExact(reopened))
    }

    @Test("a channel holding few of the messages is walked feed by feed, and decoys stay untouched")
    func sparseChannel() async throws {
        let database = try makeDatabase()
        for _ in 0..<3 {
            _ = try await database.createMessages(
                newMessages((0..<20).map { "w\($0)" }, channel: "wide"), idempotency: nil)
        }
        let targets = try await database.create(3, for: "u")
        let decoys = try await Decoys.plant(database)
        let started = try await database.startBulk(.seen, channelID: "in-app", filter: BulkFilter(), createdBy: nil)
        let sequence = try #require(MessageID(started.id, prefix: MessageID.bulkPrefix)).sequence
        let cursor = try await database.pool.read { db in
            try Int64.fetchOne(db, sql: "SELECT feed_cursor FROM bulk_operation WHERE id = ?", arguments: [sequence])
        }
        #expect(cursor == 0)
        let finished = try await database.runBulk(started.id)
        // u's three, and the unseen, unarchived decoys on in-app: other-user's two, the tenant's, the read one.
        #expect(finished?.processedRows == 7 && finished?.estimatedTotalRows == 7)
        for id in targets { #expect(try await database.message(id, visibleTo: nil)?.seenAt != nil) }
        let inApp = Set([0, 1, 4, 5].map { decoys.ids[$0] })
        try await decoys.verify(database, except: inApp)
        #expect(try await Self.countersAreExact(database))
    }

    @Test("per-feed rows recorded by an operation started before v3 count at the end")
    func legacyFeedRows() async throws {
        let database = try makeDatabase()
        try await database.create(4, for: "a")
        let started = try await database.startBulk(.read, channelID: "in-app", filter: BulkFilter(), createdBy: nil)
        let sequence = try #require(MessageID(started.id, prefix: MessageID.bulkPrefix)).sequence
        // As a v2 chunk left it: a seq walk, one row done, its count kept per feed.
        try await database.pool.write { db in
            let feed = try Int64.fetchOne(db, sql: "SELECT id FROM feed WHERE user_id = 'a'")
            let first = try Int64.fetchOne(db, sql: "SELECT min(seq) FROM message")
            try db.execute(sql: "UPDATE message SET read_at = 1 WHERE seq = ?", arguments: [first])
            try db.execute(
                sql:
                    "UPDATE bulk_operation SET feed_cursor = NULL, last_seq = ?, processed_rows = 1, status = 'processing' WHERE id = ?",
                arguments: [first, sequence])
            try db.execute(
                sql: "INSERT INTO bulk_operation_feed (operation_id, feed_id, rows) VALUES (?, ?, 1)",
                arguments: [sequence, feed])
        }
        let finished = try await database.runBulk(started.id)
        #expect(finished?.status == .completed && finished?.processedRows == 4)
        let rows = try await database.pool.read { db in
            try Int.fetchAll(db, sql: "SELECT bulk_rows FROM feed_update WHERE kind = 2")
        }
        #expect(rows == [4])
        let leftovers = try await database.pool.read { db in
            try Int.fetchOne(
                db,
                sql: "SELECT (SELECT count(*) FROM bulk_operation_feed) + (SELECT count(*) FROM bulk_operation_chunk)")
        }
        #expect(leftovers == 0)
    }
}
