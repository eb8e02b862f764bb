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

    @Test("a WAL below the threshold is copied once the writer is idle")
    func idleWriterCheckpoints() async throws {
        let path = try freshDatabasePath()
        let (checkpoints, report) = AsyncStream.makeStream(of: Duration.self)
        let database = try AppDatabase(
            path: path,
            onTransaction: { operation, duration in
                if operation == "walCheckpoint" { report.yield(duration) }
            })
        for round in 0..<5 {
            _ = try await database.createMessages(newMessages(["user-\(round)"]), idempotency: IdempotencyClaim?.none)
        }
        let frames = try walIndex(path).frames
        #expect(frames > 0 && frames < AppDatabase.checkpointFrames, "\(frames) frames")
        let checkpoint = try await firstElement(of: checkpoints, within: .seconds(30))
        #expect(checkpoint != nil, "no checkpoint after the writer went idle")
        let after = try walIndex(path)
        #expect(after.copied == after.frames, "\(after.copied) of \(after.frames) frames copied")
        try database.close()
    }

    /// The WAL's frames and how many of them are copied into the database file, from the
    /// wal-index (`-shm`): `mxFrame` of the index header and `nBackfill` after its two copies.
    private func walIndex(_ path: String) throws -> (frames: Int, copied: Int) {
        let data = try Data(contentsOf: URL(fileURLWithPath: path + "-shm")).prefix(100)
        func word(_ offset: Int) -> Int {
            Int(data.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset, as: UInt32.self) })
        }
        return (word(16), word(96))
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
