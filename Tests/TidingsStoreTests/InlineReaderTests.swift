import Foundation
import GRDB
import Testing
import TidingsCore

@testable import TidingsStore

@Suite("Snapshot reads on the caller's thread")
struct InlineReaderTests {
    @Test("each connection serves one read on the calling thread; with all of them held, a read is declined at once")
    func declinesWhenBusy() async throws {
        let path = try freshDatabasePath()
        let database = try AppDatabase(path: path)
        try await database.create(3, for: "ann")
        let reader = try InlineReader(path: path, configuration: Configuration(), count: 2)
        let caller = currentThread()
        let (count, second, third) = try #require(
            try reader.read { db -> (Int, Bool, Int??) in
                #expect(currentThread() == caller)
                let count = try Int.fetchOne(db, sql: "SELECT count(*) FROM message") ?? -1
                // The second connection serves a second read; a third is declined, not queued.
                var third: Int?? = nil
                let second = try reader.read { _ in
                    third = try reader.read { db in try Int.fetchOne(db, sql: "SELECT 1") }
                    return true
                }
                return (count, second == true, third)
            })
        #expect(count == 3)
        #expect(second)
        #expect(third == nil)
        // Free again once the reads are over.
        #expect(try reader.read { _ in 1 } == 1)
        try reader.close()
        try database.close()
    }

    @Test(
        "while other threads hold every inline connection, a snapshot read is served by the pool",
        .timeLimit(.minutes(1)))
    func fallsBackToThePool() async throws {
        let database = try makeDatabase()
        try await database.create(2, for: "bob")
        let entered = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let done = DispatchSemaphore(value: 0)
        /// Holds one more connection per level, until released.
        @Sendable func hold(_ levels: Int) {
            _ = try? database.inlineReader.read { _ in
                if levels > 1 {
                    hold(levels - 1)
                } else {
                    entered.signal()
                    release.wait()
                }
            }
        }
        Thread {
            hold(database.inlineReader.count)
            done.signal()
        }.start()
        await wait(for: entered)
        let page = try await database.peek(FeedKey(userID: "bob", channelID: "in-app"))
        let connection = try await database.snapshotRead { db in db.description }
        release.signal()
        #expect(page.meta.totalCount == 2)
        #expect(connection != InlineReader.label)
        // Released, the inline connections serve the next read.
        await wait(for: done)
        #expect(try await database.snapshotRead { db in db.description } == InlineReader.label)
        try database.close()
    }

    @Test("a read still running after the budget is interrupted and read again on the pool")
    func longReadMovesToThePool() async throws {
        let database = try makeDatabase()
        // Far longer than the 2-ms budget: tens of milliseconds.
        let (count, connection) = try await database.snapshotRead { db in
            let count = try Int.fetchOne(
                db,
                sql: """
                    WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 3000000)
                    SELECT count(*) FROM c
                    """)
            return (count, db.description)
        }
        #expect(count == 3_000_000)
        #expect(connection != InlineReader.label)
        // The interrupted connection serves the next short read.
        #expect(try await database.snapshotRead { db in db.description } == InlineReader.label)
        try database.close()
    }

    @Test("an inline read sees every write committed before it")
    func seesCommittedWrites() async throws {
        let database = try makeDatabase()
        let feed = FeedKey(userID: "cat", channelID: "in-app")
        for expected in 1...5 {
            try await database.create(1, for: "cat")
            let count = try #require(
                try database.inlineReader.read { db in
                    try Int.fetchOne(db, sql: "SELECT count(*) FROM message")
                })
            #expect(count == expected)
            #expect(try await database.peek(feed).meta.totalCount == expected)
        }
        try database.close()
    }
}

/// The calling thread (`Thread.current` cannot be read from async code directly).
private func currentThread() -> Thread { Thread.current }

/// Waits for `semaphore` on a dispatch thread, not on the test's.
private func wait(for semaphore: DispatchSemaphore) async {
    await withCheckedContinuation { continuation in
        DispatchQueue.global().async {
            semaphore.wait()
            continuation.resume()
        }
    }
}
