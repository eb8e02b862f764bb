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
        let read = try matchesNothing(feed) ? (rows: [], more: false) : try entries(feedID: feed.id)
        var rows = read.rows
        var marked = 0
        if let now {
            marked = try markSeen(&rows, feedID: feed.id, now: now)
        }
        let counts = marked == 0 ? try counts(feed) : try counts(Self.feedRow(query.feed, db: db) ?? feed)
        let meta = try meta(counts, marked: marked)
        let info = try pageInfo(
            newest: rows.first?.sequence, oldest: rows.last?.sequence, more: read.more, feedID: feed.id)
        return Page(feed: query.feed, rows: rows, meta: meta, pageInfo: info)
    }

    /// The page as its JSON answer, written from SQLite's buffers as the rows are stepped
    /// through (no `MessageRow`s, no `String`s), for a snapshot read of a page read newest
    /// first. `nil` when the query marks seen and the page has an entry to mark: that page
    /// is read again in a write transaction (`page(markSeenAt:)`).
    func renderedPage() throws -> [UInt8]? {
        precondition(!query.position.readsAscending, "a page read oldest first is written from its rows")
        guard let feed = try Self.feedRow(query.feed, db: db) else {
            var writer = JSONWriter(capacity: 512)
            writer.feedPage(try page(markSeenAt: nil))
            return writer.bytes
        }
        var writer = JSONWriter(capacity: 1024 + query.pageSize * 1024)
        writer.feedPageStart()
        let fingerprint = query.feed.fingerprint
        let statement = try entriesStatement(feedID: feed.id)
        let cursor = RawRows(statement.statement, arguments: statement.arguments)
        var (count, more) = (0, false)
        var (newest, oldest): (Int64?, Int64?) = (nil, nil)
        let empty = try matchesNothing(feed)
        while !empty, try cursor.next() {
            guard count < query.pageSize else {
                more = true
                break
            }
            let row = cursor.messageRow()
            if query.markSeen, row.seenAt == nil { return nil }
            if count > 0 { writer.raw(",") }
            writer.item(row, feed: query.feed, fingerprint: fingerprint)
            let sequence = row.sequence
            newest = newest ?? sequence
            oldest = sequence
            count += 1
        }
        let meta = try meta(counts(feed), marked: 0)
        let info = try pageInfo(newest: newest, oldest: oldest, more: more, feedID: feed.id)
        writer.feedPageEnd(meta: meta, pageInfo: info)
        return writer.bytes
    }

    /// Whether the feed's counters show that nothing in the page's scope has its status, so
    /// the page is empty without a look at the rows: a feed whose every message is archived
    /// (or read, for `status=unread`) would otherwise be walked row by row to find none,
    /// 20 ms for 100,000 messages (BENCHMARKS.md, run AI).
    private func matchesNothing(_ feed: FeedRow) throws -> Bool {
        guard query.scope.isCountedByCounters else { return false }
        let counts = try counts(feed)
        switch query.status {
        case .all: return counts.totalCount == 0
        case .unread: return counts.unreadCount == 0
        case .read: return counts.unreadCount == counts.totalCount
        case .unseen: return counts.unseenCount == 0
        case .seen: return counts.unseenCount == counts.totalCount
        }
    }

    private func meta(_ counts: FeedCounts, marked: Int) throws -> FeedPage.Meta {
        FeedPage.Meta(
            totalCount: counts.totalCount, unreadCount: counts.unreadCount, unseenCount: counts.unseenCount,
            markedSeen: marked, updatesCursor: try updatesCursor())
    }

    /// The statement of the page's entries in the order they are read, with one row past
    /// the page to tell whether more lie beyond it in that direction.
    private func entriesStatement(feedID: Int64) throws -> (statement: Statement, arguments: StatementArguments) {
        var conditions = query.scope.conditions(feedID: feedID)
        if let status = query.status.condition { conditions.append(status) }
        switch query.position {
        case .newest: break
        case .olderThan(let sequence): conditions.append(SQLCondition("m.seq < ?", [sequence]))
        case .newerThan(let sequence): conditions.append(SQLCondition("m.seq > ?", [sequence]))
        }
        let condition = SQLCondition.all(conditions)
        let sql = """
            SELECT \(MessageRow.selection) FROM \(MessageRow.join)
            WHERE \(condition.sql) ORDER BY m.seq \(query.position.readsAscending ? "ASC" : "DESC")
            LIMIT \(query.pageSize + 1)
            """
        return (try db.cachedStatement(sql: sql), condition.arguments)
    }

    /// The entries of the page, newest first, and whether more lie beyond it in the direction
    /// it was read.
    private func entries(feedID: Int64) throws -> (rows: [MessageRow], more: Bool) {
        let statement = try entriesStatement(feedID: feedID)
        let cursor = RawRows(statement.statement, arguments: statement.arguments)
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
        return (query.position.readsAscending ? rows.reversed() : rows, more)
    }

    /// Cursors to the next older and newer pages, from the sequences of the page's newest
    /// and oldest entries: present only where such items exist. `more` answers for the
    /// direction the page was read in; nothing is newer than the newest page; only the
    /// other side of a page read from a cursor takes a query.
    private func pageInfo(newest: Int64?, oldest: Int64?, more: Bool, feedID: Int64) throws -> FeedPage.PageInfo {
        guard let newest, let oldest else {
            return FeedPage.PageInfo(after: nil, before: nil, pageSize: query.pageSize)
        }
        func cursor(_ sequence: Int64) -> String {
            FeedCursor(kind: .message, feed: query.feed, position: sequence).encoded
        }
        let older: Bool
        let newer: Bool
        switch query.position {
        case .newest:
            (older, newer) = (more, false)
        case .olderThan:
            older = more
            newer = try exists(feedID: feedID, SQLCondition("m.seq > ?", [newest]))
        case .newerThan:
            older = try exists(feedID: feedID, SQLCondition("m.seq < ?", [oldest]))
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

extension PagePosition {
    /// A page after a `before` cursor is read oldest first (the items closest to it).
    var readsAscending: Bool {
        if case .newerThan = self { true } else { false }
    }
}
