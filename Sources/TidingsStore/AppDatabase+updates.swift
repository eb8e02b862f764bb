import GRDB
import TidingsAPI
import TidingsCore

/// What a long poll answers with: events after a position, and the feed's counts, all
/// from one snapshot.
public struct UpdatesBatch: Sendable {
    public var events: [FeedEvent]
    /// The position to resume from: the last returned event's, or the one asked for.
    public var position: Int64
    public var hasMore: Bool
    public var counts: FeedCounts
}

extension AppDatabase {
    /// The feed's update-stream events after `since` (oldest first, at most `limit`), or —
    /// with no `since` — none and the current head. Throws `410` when events after `since`
    /// were pruned.
    public func updates(of feed: FeedKey, since: Int64?, limit: Int) async throws -> UpdatesBatch {
        try await pool.read { db in
            let head = try UpdateStream.head(db)
            guard let row = try FeedReader.feedRow(feed, db: db) else {
                return UpdatesBatch(
                    events: [], position: since ?? head, hasMore: false,
                    counts: FeedCounts(totalCount: 0, unreadCount: 0, unseenCount: 0))
            }
            let counts = FeedCounts(
                totalCount: row.all.totalCount - row.archived.totalCount,
                unreadCount: row.all.unreadCount - row.archived.unreadCount,
                unseenCount: row.all.unseenCount - row.archived.unseenCount)
            guard let since else { return UpdatesBatch(events: [], position: head, hasMore: false, counts: counts) }
            if since < row.prunedThrough { throw TidingsError.cursorExpired }
            let (events, last, hasMore) = try UpdateStream.events(
                feed: feed, feedID: row.id, after: since, limit: limit, db: db)
            return UpdatesBatch(events: events, position: last ?? since, hasMore: hasMore, counts: counts)
        }
    }
}

extension UpdateStream {
    /// Events of one feed after `position`, with the current state of their messages, the
    /// position of the last entry read, and whether more remain.
    static func events(feed: FeedKey, feedID: Int64, after position: Int64, limit: Int, db: Database) throws
        -> ([FeedEvent], Int64?, Bool)
    {
        let rows = try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT position, kind, message_seq, bulk_action, bulk_rows, inserted_at FROM feed_update
                    WHERE feed_id = ? AND position > ? ORDER BY position LIMIT ?
                    """), arguments: [feedID, position, limit + 1])
        let page = rows.prefix(limit)
        let sequences = Set(page.compactMap { $0[2] as Int64? })
        var messages = [Int64: MessageRow]()
        if !sequences.isEmpty {
            let marks = Array(repeating: "?", count: sequences.count).joined(separator: ",")
            for row in try Row.fetchAll(
                db, sql: "SELECT \(MessageRow.selection) FROM \(MessageRow.join) WHERE m.seq IN (\(marks))",
                arguments: StatementArguments(Array(sequences)))
            {
                let message = MessageRow(row: row)
                messages[message.sequence] = message
            }
        }
        var decoder = ContentDecoder()
        var events = [FeedEvent]()
        for row in page {
            let kind = Kind(rawValue: row[1]) ?? .messageUpdated
            let insertedAt = Timestamp(milliseconds: row[5]).rfc3339
            let id = String(row[0] as Int64)
            switch kind {
            case .feedBulkUpdated:
                events.append(
                    FeedEvent(
                        id: id, type: .feedBulkUpdated, insertedAt: insertedAt,
                        bulk: FeedEvent.Bulk(action: row[3] ?? "", rows: row[4] ?? 0)))
            case .messageCreated, .messageUpdated:
                guard let sequence = row[2] as Int64?, let message = messages[sequence] else { continue }
                events.append(
                    FeedEvent(
                        id: id, type: kind == .messageCreated ? .messageCreated : .messageUpdated, insertedAt: insertedAt,
                        message: try decoder.item(message, feed: feed)))
            }
        }
        return (events, page.last.map { $0[0] as Int64 }, rows.count > limit)
    }
}
