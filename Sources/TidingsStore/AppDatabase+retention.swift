import GRDB
import TidingsCore

extension AppDatabase {
    /// Prunes the update stream: entries older than `maxAge`, and beyond the newest
    /// `maxPerFeed` of each feed, in transactions of at most 1,000 rows. Each feed records
    /// the newest position it lost, which is what makes older cursors `410`.
    ///
    /// Age pruning removes the entries before the oldest one that is young enough to keep.
    /// Positions follow commit order, and so, but for a clock set back, do their times: an
    /// old entry behind a younger one waits for it, so no entry goes before its age. Length
    /// pruning finds the feeds past `maxPerFeed` by the count each feed keeps (schema v5).
    public func pruneUpdateStream(maxAgeMilliseconds: Int64, maxPerFeed: Int, now: Timestamp = .now()) async throws
        -> Int
    {
        var pruned = 0
        let cutoff = now.milliseconds - maxAgeMilliseconds
        // Reads from the oldest entry up to the first one to keep: as many rows as go. With
        // none to keep, the bound is the newest entry read, so later commits stay.
        let kept = try await pool.read { db in
            try Int64.fetchOne(
                db,
                sql: """
                    SELECT coalesce(
                        (SELECT position FROM feed_update WHERE inserted_at >= ? ORDER BY position LIMIT 1),
                        (SELECT max(position) + 1 FROM feed_update), 0)
                    """, arguments: [cutoff]) ?? 0
        }
        while true {
            let deleted = try await pool.write { db in
                try Self.pruneUpdates(where: "position < ?", [kept], db: db)
            }
            pruned += deleted
            if deleted < 1000 { break }
        }
        let longFeeds = try await pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT id, stream_length FROM feed WHERE stream_length > ?", arguments: [maxPerFeed]
            ).map { ($0[0] as Int64, $0[1] as Int) }
        }
        for (feedID, count) in longFeeds {
            var excess = count - maxPerFeed
            while excess > 0 {
                let limit = min(excess, 1000)
                let deleted = try await pool.write { db in
                    try Self.pruneUpdates(
                        where: "position IN (SELECT position FROM feed_update WHERE feed_id = ? ORDER BY position LIMIT ?)",
                        [feedID, limit], db: db)
                }
                pruned += deleted
                excess -= limit
                if deleted == 0 { break }
            }
        }
        return pruned
    }

    /// Deletes up to 1,000 matching entries, oldest first, raising each feed's mark and
    /// counting its entries down.
    private static func pruneUpdates(where condition: String, _ arguments: StatementArguments, db: Database) throws -> Int {
        let rows = try Row.fetchAll(
            db, sql: "SELECT position, feed_id FROM feed_update WHERE \(condition) ORDER BY position LIMIT 1000",
            arguments: arguments)
        guard !rows.isEmpty else { return 0 }
        var lost = [Int64: (newest: Int64, entries: Int)]()
        for row in rows {
            let feedID: Int64 = row[1]
            lost[feedID] = (row[0], (lost[feedID]?.entries ?? 0) + 1)
        }
        let mark = try db.cachedStatement(
            sql: """
                UPDATE feed SET pruned_through = max(pruned_through, ?), stream_length = stream_length - ?
                WHERE id = ?
                """)
        for (feedID, feed) in lost { try mark.execute(arguments: [feed.newest, feed.entries, feedID]) }
        let positions = rows.map { $0[0] as Int64 }
        let marks = Array(repeating: "?", count: positions.count).joined(separator: ",")
        try db.execute(
            sql: "DELETE FROM feed_update WHERE position IN (\(marks))", arguments: StatementArguments(positions))
        return db.changesCount
    }
}
