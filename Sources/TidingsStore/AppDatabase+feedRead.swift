import TidingsAPI
import TidingsCore

extension AppDatabase {
    /// Reads a page of a feed with its exact counts. Unless the query is a peek, the page's
    /// unseen entries are marked seen in the same transaction as the read. A page with
    /// nothing to mark is answered from a read snapshot and never waits for the writer.
    public func readFeed(_ query: FeedQuery, now: @escaping @Sendable () -> Timestamp = { .now() }) async throws
        -> FeedPage
    {
        let snapshot = try await pool.read { db in try FeedReader(db: db, query: query).page(markSeenAt: nil) }
        guard query.markSeen, snapshot.0.entries.contains(where: { $0.seenAt == nil }) else { return snapshot.0 }
        return try await write { db in
            let (page, marked) = try FeedReader(db: db, query: query).page(markSeenAt: now())
            return (page, marked > 0 ? [query.feed] : [])
        }
    }
}
