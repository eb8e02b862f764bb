import GRDB
import TidingsAPI
import TidingsCore

/// What a long poll answers with: events after a position, and the feed's counts, all
/// from one snapshot. Kept as read, so the answer is written straight to JSON.
public struct UpdatesBatch: Sendable {
    public let feed: FeedKey
    let entries: [UpdateStream.Entry]
    /// The position to resume from: the last returned event's, or the one asked for.
    public var position: Int64
    public var hasMore: Bool
    public var counts: FeedCounts

    /// Whether there is no event to answer with.
    public var isEmpty: Bool { entries.isEmpty }

    /// The events as wire values (their content decoded).
    public func events() throws -> [FeedEvent] {
        var decoder = ContentDecoder()
        return try entries.map { entry in
            let id = String(entry.position)
            let insertedAt = Timestamp(milliseconds: entry.insertedAt).rfc3339
            if let message = entry.message {
                return FeedEvent(
                    id: id, type: entry.kind == .messageCreated ? .messageCreated : .messageUpdated,
                    insertedAt: insertedAt, message: try decoder.item(message, feed: feed))
            }
            return FeedEvent(
                id: id, type: .feedBulkUpdated, insertedAt: insertedAt,
                bulk: FeedEvent.Bulk(action: entry.bulkAction ?? "", rows: entry.bulkRows ?? 0))
        }
    }

    /// The answer in the shape of `UpdatesResponse`, written without decoding content.
    public func json() -> [UInt8] {
        withJSON { Array($0) }
    }

    /// Lends the answer's JSON (as `json()`) without copying it out of the writer.
    public func withJSON<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        var writer = JSONWriter(capacity: JSONWriter.estimate(entries.lazy.compactMap(\.message)))
        writer.updates(self)
        return try writer.withBytes(body)
    }
}

extension AppDatabase {
    /// The feed's update-stream events after `since` (oldest first, at most `limit`), or —
    /// with no `since` — none and the current head. Throws `410` when events after `since`
    /// were pruned.
    public func updates(of feed: FeedKey, since: Int64?, limit: Int) async throws -> UpdatesBatch {
        try await snapshotRead { db in try Self.updates(of: feed, since: since, limit: limit, db: db) }
    }

    /// One stream read of a woken poll.
    public struct UpdatesRequest: Sendable {
        public var feed: FeedKey
        public var since: Int64
        public var limit: Int

        public init(feed: FeedKey, since: Int64, limit: Int) {
            self.feed = feed
            self.since = since
            self.limit = limit
        }
    }

    /// Many polls' reads in one snapshot: a commit that wakes a thousand polls costs one
    /// read transaction, not a thousand. Each answer is as `updates(of:since:limit:)`'s,
    /// handed to `completion` on the reader's queue, so woken polls are answered from an
    /// event loop without a task in between.
    public func updates(
        _ requests: [UpdatesRequest],
        completion: @escaping @Sendable (Result<[Result<UpdatesBatch, TidingsError>], any Error>) -> Void
    ) {
        pool.asyncRead { database in
            completion(
                Result {
                    let db = try database.get()
                    return try requests.map { request in
                        do {
                            return .success(
                                try Self.updates(of: request.feed, since: request.since, limit: request.limit, db: db))
                        } catch let error as TidingsError {
                            return .failure(error)
                        }
                    }
                })
        }
    }

    private static func updates(of feed: FeedKey, since: Int64?, limit: Int, db: Database) throws -> UpdatesBatch {
        guard let row = try FeedReader.feedRow(feed, db: db) else {
            if let since, since > (try UpdateStream.head(db)) { throw TidingsError.cursorAhead }
            return UpdatesBatch(
                feed: feed, entries: [], position: try since ?? UpdateStream.head(db), hasMore: false,
                counts: FeedCounts(totalCount: 0, unreadCount: 0, unseenCount: 0))
        }
        let counts = FeedCounts(
            totalCount: row.all.totalCount - row.archived.totalCount,
            unreadCount: row.all.unreadCount - row.archived.unreadCount,
            unseenCount: row.all.unseenCount - row.archived.unseenCount)
        guard let since else {
            return UpdatesBatch(
                feed: feed, entries: [], position: try UpdateStream.head(db), hasMore: false, counts: counts)
        }
        if since < row.prunedThrough { throw TidingsError.cursorExpired }
        let (entries, hasMore) = try UpdateStream.entries(feedID: row.id, after: since, limit: limit, db: db)
        // Positions only grow, so a cursor past the newest one came from other data.
        if entries.isEmpty, since > (try UpdateStream.head(db)) { throw TidingsError.cursorAhead }
        return UpdatesBatch(
            feed: feed, entries: entries, position: entries.last?.position ?? since, hasMore: hasMore, counts: counts)
    }
}

extension UpdateStream {
    /// One stream entry with the current state of its message, if it has one.
    struct Entry: Sendable {
        var position: Int64
        var kind: Kind
        var insertedAt: Int64
        var bulkAction: String?
        var bulkRows: Int?
        var message: MessageRow?
    }

    /// Entries of one feed after `position` (at most `limit`, oldest first) and whether
    /// more remain: one prepared statement, messages joined in.
    static func entries(feedID: Int64, after position: Int64, limit: Int, db: Database) throws -> ([Entry], Bool) {
        let rows = RawRows(
            try db.cachedStatement(
                sql: """
                    SELECT u.position, u.kind, u.inserted_at, u.bulk_action, u.bulk_rows, \(MessageRow.selection)
                    FROM feed_update u
                    LEFT JOIN message m ON m.seq = u.message_seq
                    LEFT JOIN message_content c ON c.id = m.content_id
                    WHERE u.feed_id = ? AND u.position > ? ORDER BY u.position LIMIT ?
                    """), arguments: [feedID, position, limit + 1])
        var entries = [Entry]()
        var hasMore = false
        while try rows.next() {
            if entries.count == limit {
                hasMore = true
                break
            }
            let kind = Kind(rawValue: rows.int64(1)) ?? .messageUpdated
            let hasMessage = kind != .feedBulkUpdated && !rows.isNull(5)
            // An entry whose message is gone has nothing to show.
            if kind != .feedBulkUpdated && !hasMessage { continue }
            entries.append(
                Entry(
                    position: rows.int64(0), kind: kind, insertedAt: rows.int64(2),
                    bulkAction: rows.optionalString(3), bulkRows: rows.optionalInt64(4).map { Int($0) },
                    message: hasMessage ? MessageRow(rows, offset: 5) : nil))
        }
        return (entries, hasMore)
    }
}

extension JSONWriter {
    /// A poll's answer, in the shape of `UpdatesResponse`.
    mutating func updates(_ batch: UpdatesBatch) {
        raw("{"); key("events"); raw("[")
        let fingerprint = batch.feed.fingerprint
        for (index, entry) in batch.entries.enumerated() {
            if index > 0 { raw(",") }
            raw("{"); key("id"); string(String(entry.position)); raw(",")
            key("type")
            switch entry.kind {
            case .messageCreated: string("message.created")
            case .messageUpdated: string("message.updated")
            case .feedBulkUpdated: string("feed.bulk_updated")
            }
            raw(","); key("inserted_at"); time(entry.insertedAt); raw(",")
            if let message = entry.message {
                key("message"); item(message, feed: batch.feed, fingerprint: fingerprint)
            } else {
                key("bulk"); raw("{"); key("action"); string(entry.bulkAction ?? ""); raw(",")
                key("rows"); int(entry.bulkRows ?? 0); raw("}")
            }
            raw("}")
        }
        raw("],"); key("cursor"); cursor(FeedCursor(kind: .update, feedFingerprint: fingerprint, position: batch.position))
        raw(","); key("has_more"); bool(batch.hasMore)
        raw(","); key("meta"); raw("{")
        key("total_count"); int(batch.counts.totalCount); raw(",")
        key("unread_count"); int(batch.counts.unreadCount); raw(",")
        key("unseen_count"); int(batch.counts.unseenCount)
        raw("}}")
    }
}
