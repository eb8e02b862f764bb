import Foundation
import GRDB
import TidingsAPI
import TidingsCore

extension AppDatabase {
    /// Rows changed per write transaction: short enough that other writers never wait long.
    public static let bulkChunkRows = 1000

    /// Records a bulk operation and counts what it will change. It does nothing yet:
    /// `runBulk` (inside the request or in the background) does the work.
    public func startBulk(
        _ action: EngagementAction, channelID: String, filter: BulkFilter, createdBy user: String?,
        now: Timestamp = .now()
    ) async throws -> BulkOperation {
        let filterJSON = String(decoding: try JSONEncoder().encode(filter), as: UTF8.self)
        let (maxSeq, estimate) = try await pool.read { db in
            let maxSeq = try Int64.fetchOne(db, sql: "SELECT max(seq) FROM message") ?? 0
            let condition = filter.conditions(channelID: channelID, action: action)
            let count = try Int.fetchOne(
                db, sql: "SELECT count(*) FROM message m WHERE \(condition.sql) AND m.seq <= ?",
                arguments: condition.arguments + [maxSeq]) ?? 0
            return (maxSeq, count)
        }
        let token = Int64.random(in: Int64.min...Int64.max)
        let sequence = try await pool.write { db in
            try db.execute(
                sql: """
                    INSERT INTO bulk_operation (token, action, channel_id, filter, created_by, status,
                        estimated_total_rows, max_seq, inserted_at)
                    VALUES (?, ?, ?, ?, ?, 'queued', ?, ?, ?)
                    """,
                arguments: [token, action.rawValue, channelID, filterJSON, user, estimate, maxSeq, now.milliseconds])
            return db.lastInsertedRowID
        }
        return try await bulkOperation(sequence: sequence) ?? { throw TidingsError.internalError }()
    }

    /// Works through an operation chunk by chunk until it completes or `shouldStop` says
    /// so (it then stays `processing` and resumes later from where it stopped).
    public func runBulk(_ id: String, shouldStop: @Sendable () -> Bool = { false }) async throws -> BulkOperation? {
        guard let parsed = MessageID(id, prefix: MessageID.bulkPrefix) else { return nil }
        while !shouldStop() {
            guard try await runBulkChunk(parsed.sequence) else { break }
        }
        return try await bulkOperation(sequence: parsed.sequence)
    }

    /// One short write transaction: changes up to `bulkChunkRows` rows with their timeline
    /// events, or — when none remain — appends one `feed.bulk_updated` per affected feed
    /// and completes. Returns whether more work remains.
    func runBulkChunk(_ sequence: Int64, now: Timestamp = .now()) async throws -> Bool {
        try await write { db in
            guard let job = try BulkJob.load(sequence, db: db), job.status == "queued" || job.status == "processing"
            else { return (false, []) }
            let condition = job.filter.conditions(channelID: job.channelID, action: job.action)
            let range = SQLCondition("m.seq > ? AND m.seq <= ?", [job.lastSeq, job.maxSeq])
            let scoped = SQLCondition.all([condition, range])
            let rows = try Row.fetchAll(
                db, sql: "SELECT m.seq, m.feed_id FROM message m WHERE \(scoped.sql) ORDER BY m.seq LIMIT ?",
                arguments: scoped.arguments + [Self.bulkChunkRows])
            guard let first = rows.first, let last = rows.last else {
                return (false, try job.complete(db: db, now: now))
            }
            try job.change(condition, from: first[0], through: last[0], db: db, now: now)
            var perFeed = [Int64: Int]()
            for row in rows { perFeed[row[1], default: 0] += 1 }
            try job.recordProgress(rows: rows.count, lastSeq: last[0], perFeed: perFeed, db: db)
            return (true, [])
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
