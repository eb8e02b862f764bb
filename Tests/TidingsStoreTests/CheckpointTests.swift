import Foundation
import Testing
import TidingsCore

@testable import TidingsStore

@Suite("WAL checkpoints beside the writer")
struct CheckpointTests {
    @Test("once the WAL holds 1,000 frames a checkpoint copies them into the database file, off the writer")
    func checkpointsInBackground() async throws {
        let path = try freshDatabasePath()
        let (checkpoints, report) = AsyncStream.makeStream(of: Duration.self)
        let database = try AppDatabase(
            path: path, checkpointFrames: 1000,
            onTransaction: { operation, duration in
                if operation == "walCheckpoint" { report.yield(duration) }
            })
        let sizeBefore = try fileSize(path)
        // 40 creates of 500 recipients: far more than 1,000 pages of WAL.
        for round in 0..<40 {
            _ = try await database.createMessages(
                newMessages((0..<500).map { "user-\($0)-\(round % 4)" }), idempotency: IdempotencyClaim?.none)
        }
        let checkpoint = try await firstElement(of: checkpoints, within: .seconds(60))
        #expect(checkpoint != nil, "no checkpoint ran beside the writer")
        let sizeAfter = try fileSize(path)
        #expect(sizeAfter > sizeBefore + 256 * 1024, "\(sizeBefore) → \(sizeAfter)")
        // Everything is still there after the final checkpoint and a reopen.
        try database.close()
        let reopened = try AppDatabase(path: path)
        let page = try await reopened.peek(FeedKey(userID: "user-7-3", channelID: "in-app"))
        #expect(page.meta.totalCount == 10)
        try reopened.close()
    }

    private func fileSize(_ path: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
    }

    /// The stream's first element, or nil if none comes in time (a guard against a hang).
    private func firstElement<T: Sendable>(of stream: AsyncStream<T>, within limit: Duration) async throws -> T? {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { await stream.first { _ in true } }
            group.addTask {
                try await Task.sleep(for: limit)
                return nil
            }
            let first = try await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }
}
