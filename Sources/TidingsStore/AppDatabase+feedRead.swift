import TidingsAPI
import TidingsCore

extension AppDatabase {
    /// Reads a page of a feed with its exact counts. Unless the query is a peek, the page's
    /// unseen entries are marked seen in the same transaction as the read. A page with
    /// nothing to mark is answered from a read snapshot and never waits for the writer.
    public func readFeed(_ query: FeedQuery, now: @escaping @Sendable () -> Timestamp = { .now() }) async throws
        -> FeedPage
    {
        try await readPage(query, now: now).typed()
    }

    /// The same page as `readFeed`, already encoded as the JSON answer: stored content is
    /// copied in as it is instead of being decoded and encoded again. A page read newest
    /// first is written while its snapshot read steps through the rows, unless it has
    /// entries to mark seen (`FeedReader.renderedPage`).
    public func readFeedJSON(_ query: FeedQuery, now: @escaping @Sendable () -> Timestamp = { .now() }) async throws
        -> [UInt8]
    {
        if !query.position.readsAscending,
            let bytes = try await snapshotRead(
                inline: query.scope.isCountedByCounters, { db in try FeedReader(db: db, query: query).renderedPage() })
        {
            return bytes
        }
        let page = try await query.position.readsAscending ? readPage(query, now: now) : markingSeen(query, now: now)
        var writer = JSONWriter(capacity: JSONWriter.estimate(page.rows))
        writer.feedPage(page)
        return writer.bytes
    }

    private func readPage(_ query: FeedQuery, now: @escaping @Sendable () -> Timestamp) async throws -> FeedReader.Page {
        let snapshot = try await snapshotRead(inline: query.scope.isCountedByCounters) { db in
            try FeedReader(db: db, query: query).page(markSeenAt: nil)
        }
        guard query.markSeen, snapshot.rows.contains(where: { $0.seenAt == nil }) else { return snapshot }
        return try await markingSeen(query, now: now)
    }

    /// The page read again in a write transaction that marks its unseen entries seen.
    private func markingSeen(_ query: FeedQuery, now: @escaping @Sendable () -> Timestamp) async throws
        -> FeedReader.Page
    {
        try await write { db in
            let page = try FeedReader(db: db, query: query).page(markSeenAt: now())
            return (page, page.meta.markedSeen > 0 ? [query.feed] : [])
        }
    }
}
