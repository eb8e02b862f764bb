import Foundation
import Testing
import TidingsAPI
import TidingsCore

@testable import TidingsStore

@Suite("Reading feeds")
struct FeedReadTests {
    let feed = FeedKey(userID: "u", channelID: "in-app")

    @Test("an unknown feed is empty with zero counts")
    func unknownFeed() async throws {
        let page = try await makeDatabase().readFeed(FeedQuery(feed: feed))
        #expect(page.entries.isEmpty)
        #expect(page.meta.totalCount == 0 && page.meta.unreadCount == 0 && page.meta.unseenCount == 0)
        #expect(page.pageInfo.after == nil && page.pageInfo.before == nil)
    }

    @Test("entries are newest first and pages chain with after")
    func pagingOlder() async throws {
        let database = try makeDatabase()
        let ids = try await database.create(7, for: "u")
        var seen = [String]()
        var page = try await database.peek(feed) { $0.pageSize = 3 }
        #expect(page.pageInfo.before == nil)
        while true {
            seen += page.entries.map(\.id)
            guard let after = page.pageInfo.after else { break }
            page = try await database.peek(feed) {
                $0.pageSize = 3
                $0.position = .olderThan(try! FeedCursor.decode(after, kind: .message, feed: feed).position)
            }
            #expect(page.pageInfo.before != nil)
        }
        #expect(seen == ids.reversed())
    }

    @Test("every entry's __cursor works as an after and a before cursor")
    func entryCursors() async throws {
        let database = try makeDatabase()
        let ids = try await database.create(5, for: "u")
        let middle = try await database.peek(feed).entries[2]
        let position = try FeedCursor.decode(middle.cursor, kind: .message, feed: feed).position
        #expect(try await database.peek(feed) { $0.position = .olderThan(position) }.entries.map(\.id) == [ids[1], ids[0]])
        #expect(try await database.peek(feed) { $0.position = .newerThan(position) }.entries.map(\.id) == [ids[4], ids[3]])
    }

    @Test("paging with after while others insert never repeats nor skips an item")
    func pagingUnderInserts() async throws {
        let database = try makeDatabase()
        let original = try await database.create(120, for: "u")
        let writer = Task {
            for _ in 0..<6 { try await database.create(10, for: "u") }
        }
        var collected = [String]()
        var page = try await database.peek(feed) { $0.pageSize = 7 }
        let newestAtStart = page.entries.first?.id
        collected += page.entries.map(\.id)
        while let after = page.pageInfo.after {
            let position = try FeedCursor.decode(after, kind: .message, feed: feed).position
            page = try await database.peek(feed) {
                $0.pageSize = 7
                $0.position = .olderThan(position)
            }
            collected += page.entries.map(\.id)
        }
        try await writer.value
        #expect(Set(collected).count == collected.count)
        // Everything from the first page's newest item down to the oldest, in order.
        let startIndex = try #require(original.lastIndex(of: newestAtStart ?? "") ?? original.indices.last)
        #expect(collected.suffix(startIndex + 1) == Array(original[...startIndex].reversed()))
    }

    @Test("page_info has a cursor exactly where matching items lie beyond the page, in both directions")
    func pageInfoBoundaries() async throws {
        let database = try makeDatabase()
        let ids = try await database.create(8, for: "u")
        // Two read ones in the middle: the unread filter leaves six, at positions 0-2 and 5-7.
        for id in [ids[3], ids[4]] { try await database.setDirectly("read_at", of: id, to: 1) }
        func page(_ position: PagePosition) async throws -> FeedPage {
            try await database.peek(feed) {
                $0.pageSize = 3
                $0.status = .unread
                $0.position = position
            }
        }
        func sequence(_ index: Int) throws -> Int64 {
            try #require(MessageID(ids[index])).sequence
        }
        let newest = try await page(.newest)
        #expect(newest.entries.map(\.id) == [ids[7], ids[6], ids[5]])
        #expect(newest.pageInfo.after != nil && newest.pageInfo.before == nil)
        let older = try await page(.olderThan(try sequence(5)))
        #expect(older.entries.map(\.id) == [ids[2], ids[1], ids[0]])
        #expect(older.pageInfo.after == nil && older.pageInfo.before != nil)
        let fromOldest = try await page(.newerThan(try sequence(0)))
        #expect(fromOldest.entries.map(\.id) == [ids[5], ids[2], ids[1]])
        #expect(fromOldest.pageInfo.after != nil && fromOldest.pageInfo.before != nil)
        let newerEnd = try await page(.newerThan(try sequence(2)))
        #expect(newerEnd.entries.map(\.id) == [ids[7], ids[6], ids[5]])
        #expect(newerEnd.pageInfo.after != nil && newerEnd.pageInfo.before == nil)
    }

    @Test("before cursor catches up 75 new items without a gap")
    func catchUp() async throws {
        let database = try makeDatabase()
        try await database.create(10, for: "u")
        let first = try await database.peek(feed) { $0.pageSize = 10 }
        #expect(first.pageInfo.before == nil)
        let newer = try await database.create(75, for: "u")
        var cursor = try #require(first.entries.first).cursor
        var caughtUp = [String]()
        while true {
            let position = try FeedCursor.decode(cursor, kind: .message, feed: feed).position
            let page = try await database.peek(feed) {
                $0.pageSize = 20
                $0.position = .newerThan(position)
            }
            // Each page holds the items closest to the cursor, still newest first.
            caughtUp += page.entries.map(\.id).reversed()
            guard let before = page.pageInfo.before else { break }
            cursor = before
        }
        #expect(caughtUp == newer)
    }

    @Test("fetching marks the page seen in the same read, with counts after the marking")
    func markSeenOnFetch() async throws {
        let database = try makeDatabase()
        try await database.create(5, for: "u")
        let page = try await database.readFeed(FeedQuery(feed: feed, pageSize: 3))
        #expect(page.meta.markedSeen == 3)
        #expect(page.entries.allSatisfy { $0.seenAt != nil && $0.engagementStatuses == ["seen"] })
        #expect(page.meta.unseenCount == 2 && page.meta.unreadCount == 5 && page.meta.totalCount == 5)
        let again = try await database.readFeed(FeedQuery(feed: feed, pageSize: 3))
        #expect(again.meta.markedSeen == 0)
        #expect(again.entries.map(\.seenAt) == page.entries.map(\.seenAt))
    }

    @Test("mark_seen=false is a peek that changes nothing")
    func peek() async throws {
        let database = try makeDatabase()
        try await database.create(3, for: "u")
        let page = try await database.readFeed(FeedQuery(feed: feed, markSeen: false))
        #expect(page.meta.markedSeen == 0 && page.meta.unseenCount == 3)
        #expect(page.entries.allSatisfy { $0.seenAt == nil })
        #expect(try await database.peek(feed).meta.unseenCount == 3)
    }

    @Test("two concurrent fetches of the same unseen page mark each message once")
    func concurrentMarking() async throws {
        let database = try makeDatabase()
        try await database.create(30, for: "u")
        for _ in 0..<5 {
            async let first = database.readFeed(FeedQuery(feed: feed, pageSize: 10))
            async let second = database.readFeed(FeedQuery(feed: feed, pageSize: 10))
            let marked = try await first.meta.markedSeen + second.meta.markedSeen
            #expect(marked == 10 || marked == 0)
        }
        let events = try await database.pool.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM message_event WHERE type = 'message.seen'")
        }
        #expect(events == 10)
    }

    @Test("marking appends one message.updated per marked message; updates_cursor is after them")
    func markingUpdatesStream() async throws {
        let database = try makeDatabase()
        try await database.create(4, for: "u")
        let page = try await database.readFeed(FeedQuery(feed: feed))
        let head = try await database.pool.read { db in
            try Int64.fetchOne(db, sql: "SELECT max(position) FROM feed_update")
        }
        let updated = try await database.pool.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM feed_update WHERE kind = 1")
        }
        #expect(updated == 4)
        #expect(try FeedCursor.decode(page.meta.updatesCursor, kind: .update, feed: feed).position == head)
    }
}
