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
///
/// A class: the hub carries pushes as `any Sendable`, which boxed this (larger than an
/// existential's inline buffer) once per recipient, and each woken poll cast it back.
public final class CreatedUpdates: Sendable {
    let feed: FeedKey
    /// By position.
    let entries: [UpdateStream.Entry]
    let counts: FeedCounts

    init(feed: FeedKey, entries: [UpdateStream.Entry], counts: FeedCounts) {
        self.feed = feed
        self.entries = entries
        self.counts = counts
    }

    /// The answer to a poll on the feed waiting since `since` for at most `limit` events:
    /// empty if the commit added nothing after `since`, `nil` if the poll must read the
    /// stream instead (it takes fewer events than the commit added).
    public func answer(since: Int64, limit: Int) -> UpdatesBatch? {
        // Entries are by position: those after `since` are a suffix, nearly always all of them.
        let start = entries.firstIndex { $0.position > since } ?? entries.endIndex
        let after = start == entries.startIndex ? entries : Array(entries[start...])
        guard after.count <= limit else { return nil }
        return UpdatesBatch(
            feed: feed, entries: after, position: after.last?.position ?? since, hasMore: false, counts: counts)
    }

    /// The pushes of a transaction's created entries, aligned with them: for an entry whose
    /// feed `polled` says has polls open, every entry of the transaction on that feed and
    /// the feed's counts, read inside the transaction so they are the commit's; `nil` for
    /// the others. Empty when no feed is polled.
    static func pushes(_ created: [CreatedEntry], polled: ([FeedKey]) -> [Bool], db: Database) throws
        -> [(any Sendable)?]
    {
        guard !created.isEmpty else { return [] }
        // The polled feeds, by row id (a feed can take several entries in a group commit).
        var groups: [(feed: FeedKey, feedID: Int64, entries: [UpdateStream.Entry], indices: [Int])] = []
        var groupOf: [Int64: Int] = [:]
        for (index, isPolled) in polled(created.map(\.feed)).enumerated() where isPolled {
            let entry = created[index]
            if let group = groupOf[entry.feedID] {
                groups[group].entries.append(entry.entry)
                groups[group].indices.append(index)
            } else {
                groupOf[entry.feedID] = groups.count
                groups.append((entry.feed, entry.feedID, [entry.entry], [index]))
            }
        }
        guard !groups.isEmpty else { return [] }
        var ids = JSONWriter(capacity: 16 + groups.count * 12)
        ids.raw("[")
        for (index, group) in groups.enumerated() {
            if index > 0 { ids.raw(",") }
            ids.int(group.feedID)
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
        var pushes = [(any Sendable)?](repeating: nil, count: created.count)
        for group in groups {
            guard let counts = counts[group.feedID] else { continue }
            let push = CreatedUpdates(
                feed: group.feed, entries: group.entries.sorted { $0.position < $1.position }, counts: counts)
            for index in group.indices { pushes[index] = push }
        }
        return pushes
    }
}
