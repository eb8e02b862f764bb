import Foundation
import GRDB
import TidingsAPI
import TidingsCore

extension AppDatabase {
    /// Records a bulk operation and counts what it will change. It does nothing yet:
    /// `runBulk` (inside the request or in the background) does the work.
    public func startBulk(
        _ action: EngagementAction, channelID: String, filter: BulkFilter, createdBy user: String?,
        now: Timestamp = .now()
    ) async throws -> BulkOperation {
        try await startBulk(action, channelID: channelID, filter: filter, createdBy: user, walk: nil, now: now)
    }

    /// `walk` forces how the operation walks the messages (tests); nil chooses: feed by feed
    /// for named users or a channel holding under a quarter of all messages, else the whole
    /// table in seq order (physical order, so each chunk rewrites few pages).
    func startBulk(
        _ action: EngagementAction, channelID: String, filter: BulkFilter, createdBy user: String?,
        walk: BulkWalk?, now: Timestamp = .now()
    ) async throws -> BulkOperation {
        let filterJSON = String(decoding: try JSONEncoder().encode(filter), as: UTF8.self)
        let (maxSeq, estimate, channelRows) = try await pool.read { db in
            let maxSeq = try Int64.fetchOne(db, sql: "SELECT max(seq) FROM message") ?? 0
            let estimate = try Self.matchingRows(action, channelID: channelID, filter: filter, maxSeq: maxSeq, db: db)
            let channelRows =
                filter.userIDs != nil || walk != nil
                ? 0
                : try Int64.fetchOne(
                    db, sql: "SELECT coalesce(sum(total_all), 0) FROM feed WHERE channel_id = ?", arguments: [channelID]
                )
                    ?? 0
            return (maxSeq, estimate, channelRows)
        }
        let byFeed = walk.map { $0 == .byFeed } ?? (filter.userIDs != nil || channelRows * 4 < maxSeq)
        let token = Int64.random(in: Int64.min...Int64.max)
        let sequence = try await pool.write { db in
            try db.execute(
                sql: """
                    INSERT INTO bulk_operation (token, action, channel_id, filter, created_by, status,
                        estimated_total_rows, max_seq, feed_cursor, inserted_at)
                    VALUES (?, ?, ?, ?, ?, 'queued', ?, ?, ?, ?)
                    """,
                arguments: [
                    token, action.rawValue, channelID, filterJSON, user, estimate, maxSeq, byFeed ? Int64(0) : nil,
                    now.milliseconds,
                ])
            return db.lastInsertedRowID
        }
        return try await bulkOperation(sequence: sequence) ?? { throw TidingsError.internalError }()
    }

    /// How many messages up to `maxSeq` match and need the change: from the feed counters
    /// when only the feed, the flag and `archived` restrict them, else by counting rows.
    static func matchingRows(
        _ action: EngagementAction, channelID: String, filter: BulkFilter, maxSeq: Int64, db: Database,
        fromCounters: Bool = true
    ) throws -> Int {
        if fromCounters, filter.isCountedByFeeds,
            let perFeed = BulkFeedCounts.matchingRows(action, archived: filter.archivedScope(for: action))
        {
            let feeds = filter.feedSet(channelID: channelID)
            return try Int.fetchOne(
                db, sql: "SELECT coalesce(sum(\(perFeed)), 0) FROM feed WHERE \(feeds.sql)", arguments: feeds.arguments)
                ?? 0
        }
        let condition = filter.conditions(channelID: channelID, action: action)
        return try Int.fetchOne(
            db, sql: "SELECT count(*) FROM message m WHERE \(condition.sql) AND m.seq <= ?",
            arguments: condition.arguments + [maxSeq]) ?? 0
    }

    /// Works through an operation chunk by chunk until it completes or `shouldStop` says
    /// so (it then stays `processing` and resumes later from where it stopped).
    public func runBulk(_ id: String, shouldStop: @Sendable () -> Bool = { false }) async throws -> BulkOperation? {
        guard let parsed = MessageID(id, prefix: MessageID.bulkPrefix) else { return nil }
        while !shouldStop() {
            guard try await runBulkChunk(parsed.sequence) else {
                try await completeBulk(parsed.sequence)
                break
            }
        }
        return try await bulkOperation(sequence: parsed.sequence)
    }

    /// One short write transaction (see `BulkJob.runChunk`), with the limits of its walk
    /// unless `limits` are given. Returns whether more work remains; false also when the
    /// operation is not running.
    func runBulkChunk(_ sequence: Int64, limits: BulkLimits? = nil, now: Timestamp = .now()) async throws -> Bool {
        try await write { db in
            guard var job = try BulkJob.load(sequence, db: db), job.isRunning else { return (false, []) }
            let limits = limits ?? (job.feedCursor == nil ? .bySeq : .byFeed)
            return (try job.runChunk(limits: limits, db: db, now: now), [])
        }
    }

    /// Once the walk is over: counts the rows per affected feed outside the write lock, then
    /// appends one `feed.bulk_updated` per affected feed and completes, in one transaction.
    func completeBulk(_ sequence: Int64, now: Timestamp = .now()) async throws {
        let feeds = try await pool.read { db in try BulkJob.affectedFeeds(sequence, db: db) }
        try await write { db in
            guard let job = try BulkJob.load(sequence, db: db), job.isRunning else { return ((), []) }
            return ((), try job.complete(feeds, db: db, now: now))
        }
    }

    /// An operation by id; with `user` given, only one that user started.
    public func bulkOperation(_ id: String, visibleTo user: String?) async throws -> BulkOperation? {
        guard let parsed = MessageID(id, prefix: MessageID.bulkPrefix) else { return nil }
        guard let operation = try await pool.read({ db in try BulkJob.load(parsed.sequence, db: db) }),
            operation.token == parsed.token, user == nil || operation.createdBy == user
        else { return nil }
        return operation.wire
    }

    func bulkOperation(sequence: Int64) async throws -> BulkOperation? {
        try await pool.read { db in try BulkJob.load(sequence, db: db)?.wire }
    }

    /// Operations a previous run left unfinished, oldest first, to resume at start.
    public func unfinishedBulkOperations() async throws -> [String] {
        try await pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT id, token FROM bulk_operation WHERE status IN ('queued', 'processing') ORDER BY id"
            ).map { MessageID(sequence: $0[0], token: $0[1], prefix: MessageID.bulkPrefix).string }
        }
    }
}
