import GRDB
import TidingsAPI
import TidingsCore

/// How much one chunk (one write transaction) of a bulk operation may do.
struct BulkLimits: Sendable {
    /// Rows changed per chunk: short enough that other writers never wait long.
    var rows = 1000
    /// Rows one statement looks at: a range of seqs, or of one feed's index entries.
    var window = 2000
    /// Rows a chunk looks at in all, so that one finding few matches still ends soon.
    var scanned = 20_000
    /// What moving to the next feed counts for against `scanned`, in rows.
    var feedStep = 50

    /// Feed by feed, a chunk updates one feed row or a few: 1,000 rows take ~5 ms.
    static let byFeed = BulkLimits()
    /// In seq order through a large channel, each changed row is usually another feed's,
    /// so a chunk's cost is mostly one counter update per feed; 2,000 rows share those
    /// updates (two rows per feed of a 1,000-feed channel) and take ~10 ms
    /// (BENCHMARKS.md, "Channel-wide bulk": 1,000 vs 1,500 vs 2,000).
    static let bySeq = BulkLimits(rows: 2000, window: 4000, scanned: 40_000)
}

extension BulkJob {
    /// One chunk, in the caller's transaction. It walks on from the stored position and
    /// records a timeline event for each matching row (up to `limits.rows`, in seq order).
    /// The events of one transaction have consecutive ids, so they then name exactly the
    /// rows to change: one `UPDATE` changes them, one statement adds the change to their
    /// feeds' counters, and one row stores the range for the per-feed counts at the end.
    /// Returns whether the walk has more to look at.
    mutating func runChunk(limits: BulkLimits, db: Database, now: Timestamp) throws -> Bool {
        let rows = filter.rowConditions(action: action)
        let walksFeeds = feedCursor != nil
        let scope = walksFeeds ? SQLCondition("m.feed_id = ?") : filter.scope(channelID: channelID)
        let insertEvents = try db.makeStatement(
            sql: """
                INSERT INTO message_event (message_seq, type, inserted_at)
                SELECT m.seq, ?, ? FROM message m WHERE \(scope.sql) AND \(rows.sql) AND m.seq > ? AND m.seq <= ?
                ORDER BY m.seq LIMIT ?
                """)
        let walk = walksFeeds ? try FeedWalk(filter: filter, channelID: channelID, db: db) : nil
        var changed = 0
        var scanned = 0
        var events: (first: Int64, last: Int64)?
        var more = true
        while changed < limits.rows, scanned < limits.scanned {
            guard let window = try nextWindow(walk: walk, scope: scope, size: limits.window) else {
                more = false
                break
            }
            scanned += window.rows + (walk == nil ? 0 : limits.feedStep)
            let upper = window.upper
            let limit = limits.rows - changed
            try insertEvents.execute(
                arguments: [action.eventType, now.milliseconds] + window.scope + rows.arguments + [
                    lastSeq, upper, limit,
                ])
            let inserted = db.changesCount
            if inserted > 0 {
                let last = db.lastInsertedRowID
                events = (events?.first ?? last - Int64(inserted) + 1, last)
                changed += inserted
            }
            if inserted == limit, let events {
                lastSeq =
                    try Int64.fetchOne(
                        db.cachedStatement(sql: "SELECT message_seq FROM message_event WHERE id = ?"),
                        arguments: [events.last])
                    ?? upper
            } else if window.endsFeed, let feed = feedCursor {
                (feedCursor, lastSeq) = (feed + 1, 0)
            } else {
                lastSeq = upper
            }
        }
        if let events { try change(events: events.first...events.last, db: db, now: now) }
        processedRows += changed
        try db.execute(
            sql: """
                UPDATE bulk_operation SET status = 'processing', processed_rows = ?, last_seq = ?, feed_cursor = ?
                WHERE id = ?
                """, arguments: [processedRows, lastSeq, feedCursor, sequence])
        return more
    }

    /// The next rows to look at, moving to the next feed first if the walk is feed by feed,
    /// or nil when the walk is over: the scope's arguments, the last seq, how many rows it
    /// spans at most, and whether it reaches the end of its feed.
    private mutating func nextWindow(walk: FeedWalk?, scope: SQLCondition, size: Int) throws -> BulkWindow? {
        guard let cursor = feedCursor, let walk else {
            guard lastSeq < maxSeq else { return nil }
            let upper = min(maxSeq, lastSeq + Int64(size))
            return BulkWindow(scope: scope.arguments, upper: upper, rows: Int(upper - lastSeq), endsFeed: false)
        }
        guard let feed = try walk.feed(from: cursor) else { return nil }
        if feed != cursor { (feedCursor, lastSeq) = (feed, 0) }
        let (entries, end) = try walk.window(feed: feed, after: lastSeq, through: maxSeq, size: size)
        return BulkWindow(scope: [feed], upper: end ?? maxSeq, rows: entries, endsFeed: entries < size)
    }

    /// Changes the rows the timeline events `events` name, keeps their feeds' counters exact,
    /// and remembers the range for the per-feed counts at the end.
    private func change(events: ClosedRange<Int64>, db: Database, now: Timestamp) throws {
        let counted = BulkFeedCounts.counts(action)
        if counted { try BulkFeedCounts.holdTrigger(true, db: db) }
        let value: Int64? = action.sets ? now.milliseconds : nil
        try db.cachedStatement(
            sql: """
                UPDATE message SET \(action.flag)_at = ?, updated_at = ?
                WHERE seq IN (SELECT message_seq FROM message_event WHERE id BETWEEN ? AND ?)
                """
        ).execute(arguments: [value, now.milliseconds, events.lowerBound, events.upperBound])
        if counted {
            try BulkFeedCounts.add(action, events: events.lowerBound, through: events.upperBound, db: db)
            try BulkFeedCounts.holdTrigger(false, db: db)
        }
        try db.cachedStatement(
            sql: "INSERT INTO bulk_operation_chunk (operation_id, first_event_id, last_event_id) VALUES (?, ?, ?)"
        ).execute(arguments: [sequence, events.lowerBound, events.upperBound])
    }
}

/// Rows one statement of a chunk looks at.
private struct BulkWindow {
    var scope: StatementArguments
    var upper: Int64
    var rows: Int
    var endsFeed: Bool
}

/// The statements of a walk feed by feed, each feed through its `message_feed` index.
private struct FeedWalk {
    let feeds: SQLCondition
    let next: Statement
    let window: Statement

    init(filter: BulkFilter, channelID: String, db: Database) throws {
        feeds = filter.feedSet(channelID: channelID)
        next = try db.makeStatement(sql: "SELECT min(id) FROM feed WHERE \(feeds.sql) AND id >= ?")
        window = try db.cachedStatement(
            sql: """
                SELECT count(*), max(seq) FROM (
                    SELECT seq FROM message WHERE feed_id = ? AND seq > ? AND seq <= ? ORDER BY seq LIMIT ?)
                """)
    }

    /// The first feed of the operation at or after `cursor`.
    func feed(from cursor: Int64) throws -> Int64? {
        try Int64.fetchOne(next, arguments: feeds.arguments + [cursor])
    }

    /// The next `size` index entries of `feed` after `seq`: how many there are, and the last one.
    func window(feed: Int64, after seq: Int64, through maxSeq: Int64, size: Int) throws -> (entries: Int, end: Int64?) {
        let row = try Row.fetchOne(window, arguments: [feed, seq, maxSeq, size])
        return (row?[0] ?? 0, row?[1])
    }
}
