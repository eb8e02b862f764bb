import GRDB
import TidingsAPI
import TidingsCore

/// A `message.created` stream entry as its create wrote it.
struct CreatedEntry: Sendable {
    var feed: FeedKey
    var feedID: Int64
    var entry: UpdateStream.Entry
}

/// What one commit added to one feed's stream, when all it added were created messages:
/// the entries and the feed's counts after them, both from the commit itself. A poll that
/// was waiting on the feed and is woken by this commit (see `UpdateHub.wait`) is answered
/// from it without reading the stream: a commit that wakes a thousand polls then costs no
/// thousand reads.
///
/// A transaction that reports created entries must report every entry it added to their
/// feeds (creates add nothing else), or a pushed answer would miss one.
public struct CreatedUpdates: Sendable {
    let feed: FeedKey
    /// By position.
    let entries: [UpdateStream.Entry]
    let counts: FeedCounts

    /// The answer to a poll on the feed waiting since `since` for at most `limit` events:
    /// empty if the commit added nothing after `since`, `nil` if the poll must read the
    /// stream instead (it takes fewer events than the commit added).
    public func answer(since: Int64, limit: Int) -> UpdatesBatch? {
        let after = entries.filter { $0.position > since }
        guard after.count <= limit else { return nil }
        return UpdatesBatch(
            feed: feed, entries: after, position: after.last?.position ?? since, hasMore: false, counts: counts)
    }

    /// The pushes of a transaction's created entries, for the feeds `polled` says have polls
    /// open, keyed by feed. Read inside the transaction, so the counts are the commit's.
    static func pushes(_ created: [CreatedEntry], polled: ([FeedKey]) -> [Bool], db: Database) throws
        -> [FeedKey: any Sendable]
    {
        guard !created.isEmpty else { return [:] }
        var byFeed: [FeedKey: (feedID: Int64, entries: [UpdateStream.Entry])] = [:]
        for (created, isPolled) in zip(created, polled(created.map(\.feed))) where isPolled {
            byFeed[created.feed, default: (created.feedID, [])].entries.append(created.entry)
        }
        guard !byFeed.isEmpty else { return [:] }
        var ids = JSONWriter(capacity: 16 + byFeed.count * 12)
        ids.raw("[")
        for (index, polled) in byFeed.values.enumerated() {
            if index > 0 { ids.raw(",") }
            ids.int(polled.feedID)
        }
        ids.raw("]")
        let rows = RawRows(
            try db.cachedStatement(
                sql: """
                    SELECT id, total_all - total_archived, unread_all - unread_archived, unseen_all - unseen_archived
                    FROM feed WHERE id IN (SELECT value FROM json_each(?))
                    """), arguments: [String(decoding: ids.bytes, as: UTF8.self)])
        var counts: [Int64: FeedCounts] = [:]
        while try rows.next() {
            counts[rows.int64(0)] = FeedCounts(
                totalCount: Int(rows.int64(1)), unreadCount: Int(rows.int64(2)), unseenCount: Int(rows.int64(3)))
        }
        var pushes: [FeedKey: any Sendable] = [:]
        for (feed, polled) in byFeed {
            guard let counts = counts[polled.feedID] else { continue }
            pushes[feed] = CreatedUpdates(
                feed: feed, entries: polled.entries.sorted { $0.position < $1.position }, counts: counts)
        }
        return pushes
    }
}
