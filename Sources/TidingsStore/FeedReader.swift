import GRDB
import TidingsAPI
import TidingsCore

/// Reads one page of a feed inside a transaction the caller chose: a snapshot read, or
/// the write transaction that also marks the page seen.
struct FeedReader {
    let db: Database
    let query: FeedQuery

    /// The feed's row id and counters, `nil` for a feed that has never had a message.
    struct FeedRow {
        var id: Int64
        var all: FeedCounts
        var archived: FeedCounts
        var prunedThrough: Int64
    }

    static func feedRow(_ feed: FeedKey, db: Database) throws -> FeedRow? {
        let statement = try db.cachedStatement(
            sql: """
                SELECT id, total_all, unread_all, unseen_all, total_archived, unread_archived, unseen_archived,
                       pruned_through
                FROM feed WHERE user_id = ? AND channel_id = ?
                """)
        let rows = RawRows(statement, arguments: [feed.userID, feed.channelID])
        guard try rows.next() else { return nil }
        func counts(_ column: Int32) -> FeedCounts {
            FeedCounts(
                totalCount: Int(rows.int64(column)), unreadCount: Int(rows.int64(column + 1)),
                unseenCount: Int(rows.int64(column + 2)))
        }
        return FeedRow(id: rows.int64(0), all: counts(1), archived: counts(4), prunedThrough: rows.int64(7))
    }

    /// A page as read: stored rows (content still encoded), counts and cursors.
    struct Page {
        var feed: FeedKey
        var rows: [MessageRow]
        var meta: FeedPage.Meta
        var pageInfo: FeedPage.PageInfo

        /// The wire type, with the content decoded.
        func typed() throws -> FeedPage {
            var decoder = ContentDecoder()
            return FeedPage(entries: try rows.map { try decoder.item($0, feed: feed) }, meta: meta, pageInfo: pageInfo)
        }
    }

    /// The page, marking its unseen entries seen at `markSeenAt` when given.
    func page(markSeenAt now: Timestamp?) throws -> Page {
        guard let feed = try Self.feedRow(query.feed, db: db) else {
            let meta = FeedPage.Meta(
                totalCount: 0, unreadCount: 0, unseenCount: 0, markedSeen: 0, updatesCursor: try updatesCursor())
            return Page(
                feed: query.feed, rows: [], meta: meta, pageInfo: .init(after: nil, before: nil, pageSize: query.pageSize))
        }
        let read = try entries(feedID: feed.id)
        var rows = read.rows
        var marked = 0
        if let now {
            marked = try markSeen(&rows, feedID: feed.id, now: now)
        }
        let counts = marked == 0 ? try counts(feed) : try counts(Self.feedRow(query.feed, db: db) ?? feed)
        let meta = FeedPage.Meta(
            totalCount: counts.totalCount, unreadCount: counts.unreadCount, unseenCount: counts.unseenCount,
            markedSeen: marked, updatesCursor: try updatesCursor())
        let info = try pageInfo(rows, more: read.more, feedID: feed.id)
        return Page(feed: query.feed, rows: rows, meta: meta, pageInfo: info)
    }

    /// The entries of the page, newest first, and whether more lie beyond it in the direction
    /// it was read: one row past the page is read to tell.
    private func entries(feedID: Int64) throws -> (rows: [MessageRow], more: Bool) {
        var conditions = query.scope.conditions(feedID: feedID)
        if let status = query.status.condition { conditions.append(status) }
        let ascending: Bool
        switch query.position {
        case .newest: ascending = false
        case .olderThan(let sequence):
            conditions.append(SQLCondition("m.seq < ?", [sequence]))
            ascending = false
        case .newerThan(let sequence):
            conditions.append(SQLCondition("m.seq > ?", [sequence]))
            ascending = true
        }
        let condition = SQLCondition.all(conditions)
        let sql = """
            SELECT \(MessageRow.selection) FROM \(MessageRow.join)
            WHERE \(condition.sql) ORDER BY m.seq \(ascending ? "ASC" : "DESC") LIMIT \(query.pageSize + 1)
            """
        let cursor = RawRows(try db.cachedStatement(sql: sql), arguments: condition.arguments)
        var rows = [MessageRow]()
        rows.reserveCapacity(query.pageSize)
        var more = false
        while try cursor.next() {
            guard rows.count < query.pageSize else {
                more = true
                break
            }
            rows.append(MessageRow(cursor))
        }
        return (ascending ? rows.reversed() : rows, more)
    }

    /// Cursors to the next older and newer pages: present only where such items exist.
    /// `more` answers for the direction the page was read in; nothing is newer than the
    /// newest page; only the other side of a page read from a cursor takes a query.
    private func pageInfo(_ rows: [MessageRow], more: Bool, feedID: Int64) throws -> FeedPage.PageInfo {
        guard let newest = rows.first, let oldest = rows.last else {
            return FeedPage.PageInfo(after: nil, before: nil, pageSize: query.pageSize)
        }
        func cursor(_ row: MessageRow) -> String {
            FeedCursor(kind: .message, feed: query.feed, position: row.sequence).encoded
        }
        let older: Bool
        let newer: Bool
        switch query.position {
        case .newest:
            (older, newer) = (more, false)
        case .olderThan:
            older = more
            newer = try exists(feedID: feedID, SQLCondition("m.seq > ?", [newest.sequence]))
        case .newerThan:
            older = try exists(feedID: feedID, SQLCondition("m.seq < ?", [oldest.sequence]))
            newer = more
        }
        return FeedPage.PageInfo(
            after: older ? cursor(oldest) : nil, before: newer ? cursor(newest) : nil, pageSize: query.pageSize)
    }

    private func exists(feedID: Int64, _ position: SQLCondition) throws -> Bool {
        var conditions = query.scope.conditions(feedID: feedID)
        if let status = query.status.condition { conditions.append(status) }
        conditions.append(position)
        let condition = SQLCondition.all(conditions)
        let sql = "SELECT EXISTS (SELECT 1 FROM message m WHERE \(condition.sql))"
        return try Bool.fetchOne(db.cachedStatement(sql: sql), arguments: condition.arguments) ?? false
    }

    /// Exact counts over the query's scope: from the feed's counters when the scope is one
    /// they keep, otherwise counted through the feed's indexes.
    private func counts(_ feed: FeedRow) throws -> FeedCounts {
        if query.scope.isCountedByCounters {
            switch query.scope.archived {
            case .include: return feed.all
            case .only: return feed.archived
            case .exclude:
                return FeedCounts(
                    totalCount: feed.all.totalCount - feed.archived.totalCount,
                    unreadCount: feed.all.unreadCount - feed.archived.unreadCount,
                    unseenCount: feed.all.unseenCount - feed.archived.unseenCount)
            }
        }
        let condition = SQLCondition.all(query.scope.conditions(feedID: feed.id))
        let sql = """
            SELECT count(*), coalesce(sum(m.read_at IS NULL), 0), coalesce(sum(m.seen_at IS NULL), 0)
            FROM message m WHERE \(condition.sql)
            """
        guard let row = try Row.fetchOne(db.cachedStatement(sql: sql), arguments: condition.arguments) else {
            return FeedCounts(totalCount: 0, unreadCount: 0, unseenCount: 0)
        }
        return FeedCounts(totalCount: row[0], unreadCount: row[1], unseenCount: row[2])
    }

    /// Marks the unseen rows seen, with one timeline event and one update-stream entry each.
    private func markSeen(_ rows: inout [MessageRow], feedID: Int64, now: Timestamp) throws -> Int {
        let update = try db.cachedStatement(
            sql: "UPDATE message SET seen_at = ?, updated_at = ? WHERE seq = ? AND seen_at IS NULL")
        var marked = 0
        for index in rows.indices where rows[index].seenAt == nil {
            try update.execute(arguments: [now.milliseconds, now.milliseconds, rows[index].sequence])
            guard db.changesCount == 1 else { continue }
            rows[index].seenAt = now.milliseconds
            rows[index].updatedAt = now.milliseconds
            try UpdateStream.appendMessageEvent(
                db, sequence: rows[index].sequence, feedID: feedID, type: "message.seen", now: now)
            marked += 1
        }
        if marked > 0 { try UpdateStream.countEntries(marked, of: feedID, db) }
        return marked
    }

    private func updatesCursor() throws -> String {
        FeedCursor(kind: .update, feed: query.feed, position: try UpdateStream.head(db)).encoded
    }
}
