import GRDB
import TidingsCore

/// The feeds' update stream and the messages' timelines, appended in the transaction of
/// the change they record.
enum UpdateStream {
    enum Kind: Int64 {
        case messageCreated = 0
        case messageUpdated = 1
        case feedBulkUpdated = 2
    }

    /// The position of the newest entry ever appended (0 before the first).
    static func head(_ db: Database) throws -> Int64 {
        try Int64.fetchOne(
            db.cachedStatement(sql: "SELECT seq FROM sqlite_sequence WHERE name = 'feed_update'")) ?? 0
    }

    /// Records an engagement change of one message: a timeline event and a
    /// `message.updated` entry in its feed's stream. The caller counts the entries it
    /// appends (`countEntries`), once for many where it can.
    static func appendMessageEvent(
        _ db: Database, sequence: Int64, feedID: Int64, type: String, data: String? = nil, now: Timestamp
    ) throws {
        try db.cachedStatement(sql: "INSERT INTO message_event (message_seq, type, inserted_at, data) VALUES (?, ?, ?, ?)")
            .execute(arguments: [sequence, type, now.milliseconds, data])
        try db.cachedStatement(
            sql: "INSERT INTO feed_update (feed_id, kind, message_seq, inserted_at) VALUES (?, ?, ?, ?)"
        ).execute(arguments: [feedID, Kind.messageUpdated.rawValue, sequence, now.milliseconds])
    }

    /// Adds `entries` appended to a feed's stream to its `stream_length` (schema v5), in the
    /// transaction that appended them.
    static func countEntries(_ entries: Int, of feedID: Int64, _ db: Database) throws {
        try db.cachedStatement(sql: "UPDATE feed SET stream_length = stream_length + ? WHERE id = ?")
            .execute(arguments: [entries, feedID])
    }
}
