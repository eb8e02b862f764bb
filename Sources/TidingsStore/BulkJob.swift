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
    var lastSeq: Int64
    var insertedAt: Int64
    var completedAt: Int64?

    static func load(_ sequence: Int64, db: Database) throws -> BulkJob? {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM bulk_operation WHERE id = ?", arguments: [sequence]),
            let action = EngagementAction(rawValue: row["action"])
        else { return nil }
        let filterJSON: String = row["filter"]
        return BulkJob(
            sequence: row["id"], token: row["token"], action: action, channelID: row["channel_id"],
            filter: try JSONDecoder().decode(BulkFilter.self, from: Data(filterJSON.utf8)), createdBy: row["created_by"],
            status: row["status"], estimatedTotalRows: row["estimated_total_rows"], processedRows: row["processed_rows"],
            maxSeq: row["max_seq"], lastSeq: row["last_seq"], insertedAt: row["inserted_at"],
            completedAt: row["completed_at"])
    }

    var wire: BulkOperation {
        BulkOperation(
            id: MessageID(sequence: sequence, token: token, prefix: MessageID.bulkPrefix).string, name: action.bulkName,
            action: action.rawValue, status: BulkOperation.Status(rawValue: status) ?? .failed,
            estimatedTotalRows: estimatedTotalRows, processedRows: processedRows,
            insertedAt: Timestamp(milliseconds: insertedAt).rfc3339,
            completedAt: completedAt.map { Timestamp(milliseconds: $0).rfc3339 })
    }

    /// Changes every matching row in `[first, last]`, recording one timeline event each.
    /// The chunk was selected with the same condition in this transaction, so these are
    /// exactly its rows.
    func change(_ condition: SQLCondition, from first: Int64, through last: Int64, db: Database, now: Timestamp) throws {
        let scoped = SQLCondition.all([condition, SQLCondition("m.seq >= ? AND m.seq <= ?", [first, last])])
        try db.execute(
            sql: "INSERT INTO message_event (message_seq, type, inserted_at) SELECT m.seq, ?, ? FROM message m WHERE \(scoped.sql)",
            arguments: [action.eventType, now.milliseconds] + scoped.arguments)
        let column = "\(action.flag)_at"
        let value: Int64? = action.sets ? now.milliseconds : nil
        try db.execute(
            sql: "UPDATE message AS m SET \(column) = ?, updated_at = ? WHERE \(scoped.sql)",
            arguments: [value, now.milliseconds] + scoped.arguments)
    }

    func recordProgress(rows: Int, lastSeq: Int64, perFeed: [Int64: Int], db: Database) throws {
        try db.execute(
            sql: """
                UPDATE bulk_operation SET status = 'processing', processed_rows = processed_rows + ?, last_seq = ?
                WHERE id = ?
                """, arguments: [rows, lastSeq, sequence])
        let upsert = try db.cachedStatement(
            sql: """
                INSERT INTO bulk_operation_feed (operation_id, feed_id, rows) VALUES (?, ?, ?)
                ON CONFLICT (operation_id, feed_id) DO UPDATE SET rows = rows + excluded.rows
                """)
        for (feedID, count) in perFeed { try upsert.execute(arguments: [sequence, feedID, count]) }
    }

    /// Appends one `feed.bulk_updated` per affected feed and marks the operation completed.
    /// Returns the affected feeds, to wake their polls.
    func complete(db: Database, now: Timestamp) throws -> [FeedKey] {
        let feeds = try Row.fetchAll(
            db,
            sql: """
                SELECT b.feed_id, b.rows, f.user_id, f.channel_id FROM bulk_operation_feed b
                JOIN feed f ON f.id = b.feed_id WHERE b.operation_id = ? ORDER BY b.feed_id
                """, arguments: [sequence])
        let append = try db.cachedStatement(
            sql: """
                INSERT INTO feed_update (feed_id, kind, bulk_action, bulk_rows, inserted_at)
                VALUES (?, \(UpdateStream.Kind.feedBulkUpdated.rawValue), ?, ?, ?)
                """)
        for feed in feeds {
            try append.execute(arguments: [feed[0], action.rawValue, feed[1], now.milliseconds])
        }
        try db.execute(sql: "DELETE FROM bulk_operation_feed WHERE operation_id = ?", arguments: [sequence])
        try db.execute(
            sql: "UPDATE bulk_operation SET status = 'completed', completed_at = ? WHERE id = ?",
            arguments: [now.milliseconds, sequence])
        return feeds.map { FeedKey(userID: $0[2], channelID: $0[3]) }
    }
}
