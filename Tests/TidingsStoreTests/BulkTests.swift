import Foundation
import GRDB
import TestSupport
import Testing
import TidingsAPI
import TidingsCore

@testable import TidingsStore

/// Messages a bulk must leave alone, and a check that it did.
struct Decoys {
    let ids: [String]
    let before: [FeedItem]

    static func plant(_ database: AppDatabase) async throws -> Decoys {
        var ids = try await database.create(2, for: "other-user")
        ids += try await database.create(2, for: "u", channel: "other-channel")
        ids += try await database.create(1, for: "u", tenant: "other-tenant")
        let read = try await database.create(1, for: "u")
        _ = try await database.applyEngagement(.read, to: read, visibleTo: nil, now: .init(milliseconds: 5))
        let archived = try await database.create(1, for: "u")
        _ = try await database.applyEngagement(.archived, to: archived, visibleTo: nil, now: .init(milliseconds: 7))
        ids += read + archived
        var before = [FeedItem]()
        for id in ids { if let item = try await database.message(id, visibleTo: nil) { before.append(item) } }
        return Decoys(ids: ids, before: before)
    }

    /// Every decoy except those named in `except` is exactly as it was.
    func verify(_ database: AppDatabase, except: Set<String> = []) async throws {
        for item in before where !except.contains(item.id) {
            #expect(try await database.message(item.id, visibleTo: nil) == item, "decoy \(item.recipient) changed")
        }
    }
}

@Suite("Bulk operations")
struct BulkTests {
    let feed = FeedKey(userID: "u", channelID: "in-app")

    func run(_ database: AppDatabase, _ action: EngagementAction, _ filter: BulkFilter, user: String? = nil)
        async throws -> BulkOperation
    {
        let started = try await database.startBulk(action, channelID: "in-app", filter: filter, createdBy: user)
        return try #require(try await database.runBulk(started.id))
    }

    @Test("mark all read for one user touches exactly its unread, unarchived, in-scope messages")
    func markAllRead() async throws {
        let database = try makeDatabase()
        let targets = try await database.create(12, for: "u")
        let decoys = try await Decoys.plant(database)
        let operation = try await run(database, .read, BulkFilter(userIDs: ["u"], tenants: nil))
        // The decoy with a tenant is in the user's feed and unread: a bulk without a tenant filter includes it.
        #expect(operation.status == .completed && operation.processedRows == 13 && operation.estimatedTotalRows == 13)
        #expect(operation.name == "mark_as_read" && operation.completedAt != nil)
        for id in targets { #expect(try await database.message(id, visibleTo: nil)?.readAt != nil) }
        try await decoys.verify(database, except: [decoys.ids[4]])
        #expect(try await database.peek(feed).meta.unreadCount == 0)
    }

    @Test("filters are exact: tenants, has_tenant, sources, status, archived, time")
    func exactFilters() async throws {
        let database = try makeDatabase()
        let acme = try await database.create(3, for: "u", source: "comment", tenant: "acme")
        let plain = try await database.create(2, for: "u", source: "like")
        let decoys = try await Decoys.plant(database)
        var operation = try await run(database, .seen, BulkFilter(tenants: ["acme"]))
        #expect(operation.processedRows == 3)
        operation = try await run(database, .archived, BulkFilter(hasTenant: false, sources: ["like"]))
        #expect(operation.processedRows == 2)
        for id in plain { #expect(try await database.message(id, visibleTo: nil)?.archivedAt != nil) }
        for id in acme { #expect(try await database.message(id, visibleTo: nil)?.archivedAt == nil) }
        operation = try await run(database, .read, BulkFilter(engagementStatus: .seen))
        #expect(operation.processedRows == 3)
        operation = try await run(database, .unarchived, BulkFilter(sources: ["like"]))
        #expect(operation.processedRows == 2)
        operation = try await run(database, .read, BulkFilter(olderThan: 1))
        #expect(operation.processedRows == 0 && operation.status == .completed)
        try await decoys.verify(database)
    }

    @Test("one feed.bulk_updated per affected feed, none for untouched feeds")
    func oneStreamEntryPerFeed() async throws {
        let database = try makeDatabase()
        try await database.create(5, for: "a")
        try await database.create(3, for: "b")
        try await database.create(2, for: "c", channel: "web")
        let before = try await database.pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM feed_update") }
        _ = try await run(database, .read, BulkFilter())
        let entries = try database.pool.read { db in
            try Row.fetchAll(db, sql: "SELECT bulk_action, bulk_rows FROM feed_update WHERE kind = 2 ORDER BY feed_id")
        }
        #expect(entries.map { $0[1] as Int } == [5, 3])
        let after = try await database.pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM feed_update") }
        #expect(after == (before ?? 0) + 2)
        let events = try await database.pool.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM message_event WHERE type = 'message.read'")
        }
        #expect(events == 8)
    }

    @Test("an interrupted operation resumes from its last chunk after a restart")
    func resume() async throws {
        let directory = try TestDirectory.make("tidings-bulk")
        let path = directory.appendingPathComponent("tidings.sqlite").path
        var database: AppDatabase? = try AppDatabase(path: path)
        for _ in 0..<3 {
            let recipients = (0..<1000).map { "user-\($0)" }
            _ = try await database?.createMessages(newMessages(recipients), idempotency: nil)
        }
        let started = try #require(try await database?.startBulk(.read, channelID: "in-app", filter: BulkFilter(), createdBy: nil))
        let stopped = try await database?.runBulk(started.id) { true }
        #expect(stopped?.status == .queued)
        _ = try await database?.runBulkChunk(try #require(MessageID(started.id, prefix: MessageID.bulkPrefix)).sequence)
        try database?.close()
        database = nil
        let reopened = try AppDatabase(path: path)
        #expect(try await reopened.unfinishedBulkOperations() == [started.id])
        let finished = try await reopened.runBulk(started.id)
        #expect(finished?.status == .completed && finished?.processedRows == 3000)
        #expect(try await reopened.unfinishedBulkOperations().isEmpty)
        let unread = try await reopened.pool.read { db in
            try Int.fetchOne(db, sql: "SELECT sum(unread_all) FROM feed")
        }
        #expect(unread == 0)
    }

    @Test("reads and creates keep answering while a 50,000-row bulk runs")
    func concurrency() async throws {
        let database = try makeDatabase()
        for batch in 0..<50 {
            let recipients = (0..<1000).map { "user-\(batch % 5)-\($0)" }
            _ = try await database.createMessages(newMessages(recipients), idempotency: nil)
        }
        let started = try await database.startBulk(.read, channelID: "in-app", filter: BulkFilter(), createdBy: nil)
        #expect(started.estimatedTotalRows == 50_000)
        let bulk = Task { try await database.runBulk(started.id) }
        var answered = 0
        for index in 0..<40 {
            _ = try await database.readFeed(FeedQuery(feed: FeedKey(userID: "user-0-\(index)", channelID: "in-app")))
            _ = try await database.createMessages(newMessages(["reader-\(index)"], channel: "web"), idempotency: nil)
            answered += 1
        }
        let finished = try await bulk.value
        #expect(answered == 40)
        #expect(finished?.status == .completed && finished?.processedRows == 50_000)
        let unread = try await database.pool.read { db in
            try Int.fetchOne(db, sql: "SELECT sum(unread_all) FROM feed WHERE channel_id = 'in-app'")
        }
        #expect(unread == 0)
    }
}
