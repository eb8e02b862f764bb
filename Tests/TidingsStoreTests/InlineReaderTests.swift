import Foundation
import GRDB
import Testing
import TidingsCore

@testable import TidingsStore

@Suite("Snapshot reads on the caller's thread")
struct InlineReaderTests {
    @Test("a free inline reader reads on the calling thread; a busy one declines at once instead of waiting")
    func declinesWhenBusy() async throws {
        let database = try makeDatabase()
        try await database.create(3, for: "ann")
        let caller = currentThread()
        let (count, nested) = try #require(
            try database.inlineReader.read { db -> (Int, Int??) in
                #expect(currentThread() == caller)
                let count = try Int.fetchOne(db, sql: "SELECT count(*) FROM message") ?? -1
                // The connection is held by this read: a second one is declined, not queued.
                let nested = try database.inlineReader.read { db in try Int.fetchOne(db, sql: "SELECT 1") }
                return (count, nested)
            })
        #expect(count == 3)
        #expect(nested == nil)
        // Free again once the read is over.
        #expect(try database.inlineReader.read { _ in 1 } == 1)
        try database.close()
    }

    @Test("while another thread holds the inline reader, a snapshot read is served by the pool", .timeLimit(.minutes(1)))
    func fallsBackToThePool() async throws {
        let database = try makeDatabase()
        try await database.create(2, for: "bob")
        let entered = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let done = DispatchSemaphore(value: 0)
        Thread {
            _ = try? database.inlineReader.read { _ in
                entered.signal()
                release.wait()
            }
            done.signal()
        }.start()
        await wait(for: entered)
        let page = try await database.peek(FeedKey(userID: "bob", channelID: "in-app"))
        let connection = try await database.snapshotRead { db in db.description }
        release.signal()
        #expect(page.meta.totalCount == 2)
        #expect(connection != InlineReader.label)
        // Released, the inline reader serves the next read.
        await wait(for: done)
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
