import Foundation
import GRDB
import TidingsAPI
import TidingsCore

/// A stored bulk operation and the steps of its work, each inside the caller's transaction.
struct BulkJob {
    var sequence: Int64
    var token: Int64
    var action: EngagementAction
    var channelID: String
    var filter: BulkFilter
    var createdBy: String?
    var status: String
    var estimatedTotalRows: Int
    var processedRows: Int
    var maxSeq: Int64
    /// Seq walk: every row up to here is done. Feed walk: the rows of feed `feedCursor` up to here.
    var lastSeq: Int64
    /// Feed walk: feeds below this id are done; nil for a walk of the whole table in seq order.
    var feedCursor: Int64?
    var insertedAt: Int64
    var completedAt: Int64?

    static func load(_ sequence: Int64, db: Database) throws -> BulkJob? {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM bulk_operation WHERE id = ?", arguments: [sequence]),
            let action = EngagementAction(rawValue: row["action"])
        else { return nil }
        let filterJSON: String = row["filter"]
        return BulkJob(
            sequence: row["id"], token: row["token"], action: action, channelID: row["channel_id"],
            filter: try JSONDecoder().decode(BulkFilter.self, from: Data(filterJSON.utf8)),
            createdBy: row["created_by"],
            status: row["status"], estimatedTotalRows: row["estimated_total_rows"],
            processedRows: row["processed_rows"],
            maxSeq: row["max_seq"], lastSeq: row["last_seq"], feedCursor: row["feed_cursor"],
            insertedAt: row["inserted_at"],
            completedAt: row["completed_at"])
    }

    var isRunning: Bool { status == "queued" || status == "processing" }

    var wire: BulkOperation {
        BulkOperation(
            id: MessageID(sequence: sequence, token: token, prefix: MessageID.bulkPrefix).string, name: action.bulkName,
            action: action.rawValue, status: BulkOperation.Status(rawValue: status) ?? .failed,
            estimatedTotalRows: estimatedTotalRows, processedRows: processedRows,
            insertedAt: Timestamp(milliseconds: insertedAt).rfc3339,
            completedAt: completedAt.map { Timestamp(milliseconds: $0).rfc3339 })
    }

    /// The feeds the operation changed, with how many rows each, counted from its chunks'
    /// timeline events (and, for an operation started before v3, its per-feed rows). Runs
    /// outside the write lock: once the walk is over, nothing adds to these.
    static func affectedFeeds(_ sequence: Int64, db: Database) throws -> [AffectedFeed] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT a.feed_id, sum(a.rows), f.user_id, f.channel_id FROM (
                    SELECT m.feed_id AS feed_id, count(*) AS rows FROM bulk_operation_chunk c
                    JOIN message_event e ON e.id BETWEEN c.first_event_id AND c.last_event_id
                    JOIN message m ON m.seq = e.message_seq
                    WHERE c.operation_id = ? GROUP BY m.feed_id
                    UNION ALL
                    SELECT feed_id, rows FROM bulk_operation_feed WHERE operation_id = ?
                ) a JOIN feed f ON f.id = a.feed_id GROUP BY a.feed_id ORDER BY a.feed_id
                """, arguments: [sequence, sequence]
        ).map { AffectedFeed(id: $0[0], rows: $0[1], key: FeedKey(userID: $0[2], channelID: $0[3])) }
    }

    /// Appends one `feed.bulk_updated` per affected feed and marks the operation completed.
    /// Returns the affected feeds, to wake their polls.
    func complete(_ feeds: [AffectedFeed], db: Database, now: Timestamp) throws -> [FeedKey] {
        let append = try db.cachedStatement(
            sql: """
                INSERT INTO feed_update (feed_id, kind, bulk_action, bulk_rows, inserted_at)
                VALUES (?, \(UpdateStream.Kind.feedBulkUpdated.rawValue), ?, ?, ?)
                """)
        for feed in feeds {
            try append.execute(arguments: [feed.id, action.rawValue, feed.rows, now.milliseconds])
            try UpdateStream.countEntries(1, of: feed.id, db)
        }
        try db.execute(sql: "DELETE FROM bulk_operation_chunk WHERE operation_id = ?", arguments: [sequence])
        try db.execute(sql: "DELETE FROM bulk_operation_feed WHERE operation_id = ?", arguments: [sequence])
        try db.execute(
            sql: "UPDATE bulk_operation SET status = 'completed', completed_at = ? WHERE id = ?",
            arguments: [now.milliseconds, sequence])
        return feeds.map(\.key)
    }
}

/// How a bulk operation walks the messages it may change.
enum BulkWalk: Sendable {
    /// The whole table in seq order, each row's feed checked.
    case bySeq
    /// Feed by feed, through each feed's index.
    case byFeed
}

/// A feed a bulk operation changed, and how many of its rows.
struct AffectedFeed: Sendable {
    var id: Int64
    var rows: Int
    var key: FeedKey
}
