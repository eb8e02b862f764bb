import Foundation
import GRDB
import Synchronization
import TidingsCore

/// The Tidings database: one SQLite file in WAL mode behind GRDB's `DatabasePool`, so
/// writes go through one serial writer and reads run on snapshots beside it.
/// Every write is one method named for its intent, in one transaction.
public final class AppDatabase: Sendable {
    let pool: DatabasePool
    /// Where waiting long polls are woken after each commit that changed their feeds.
    let hub: UpdateHub?
    /// Told how long each write transaction took, by operation (for metrics).
    let onTransaction: @Sendable (String, Duration) -> Void
    /// Creates waiting to share a write transaction.
    let creates = CreateGroups()
    /// Transactions of `write` and `writeHere` queued for the writer or running on it.
    let writesInFlight = Atomic<Int>(0)
    /// Copies the WAL back beside the writer. It holds the pool (`attach`), so the
    /// connections whose WAL hook points to it close before it goes.
    let checkpointer: Checkpointer
    /// Serves short snapshot reads on the caller's thread, one per processor (`snapshotRead`).
    let inlineReader: InlineReader

    /// WAL frames (pages) that gather before a checkpoint starts: four times SQLite's own
    /// 1,000. A checkpoint copies each page once however often it changed since the last,
    /// and creates change the same feed-index pages over and over: at 4,000, serial
    /// 1,000-recipient creates took 10–13 % less CPU and 1,000-recipient ingest ran 7–11 %
    /// faster, with feed reads unchanged (BENCHMARKS.md, run M). Since the checkpoint waits for
    /// a quiet writer (`checkpointQuiet`), the WAL file grows to 16 MiB between restarts, and
    /// under steady writes to 32 MiB and a little more; a clean shutdown truncates it.
    public static let checkpointFrames = 4000

    /// How long the writer must have committed nothing before a checkpoint past
    /// `checkpointFrames` starts: long enough to span the gaps between the commits of one
    /// burst, so the checkpoint's copying and syncing come after the burst's answers, not
    /// among them. Past twice `checkpointFrames` a checkpoint starts however busy the writer
    /// is (`CheckpointPacing`).
    public static let checkpointQuiet = Duration.milliseconds(100)

    /// How long the writer must have committed nothing before a WAL below `checkpointFrames`
    /// is copied too: reads skip a copied WAL instead of looking every page up in it
    /// (`CheckpointPacing`). Long enough that a broadcast's answers are out before it starts.
    public static let checkpointIdle = Duration.seconds(1)

    /// Opens (creating if needed) and migrates the database at `path`. A WAL checkpoint
    /// starts once the WAL holds `checkpointFrames` pages and the writer is quiet, or holds
    /// twice as many, or when the writer has been idle for `checkpointIdle` (see `Checkpointer`).
    public init(
        path: String, hub: UpdateHub? = nil, checkpointFrames: Int = AppDatabase.checkpointFrames,
        onTransaction: @escaping @Sendable (String, Duration) -> Void = { _, _ in }
    ) throws {
        let checkpointer = try Checkpointer(
            path: path, threshold: checkpointFrames, limit: 2 * checkpointFrames, quiet: Self.checkpointQuiet,
            idle: Self.checkpointIdle
        ) { onTransaction("walCheckpoint", $0) }
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)  // only other processes can make SQLite busy
        // SQLite's foreign-key enforcement (GRDB turns it on) checks the two references of
        // every message row as it goes in: 0.8 of 10.1 ms of server CPU per 1,000-recipient
        // create. The only rows that carry references are messages; the one statement that
        // inserts them takes feed ids and the content id from the same transaction, and
        // nothing deletes a feed or a content. Tests check the references instead
        // (`foreignKeyViolations`).
        configuration.foreignKeysEnabled = false
        configuration.prepareDatabase { db in
            checkpointer.install(on: db)
            // Feeds' indexes are written at random places as a database grows: a 64 MiB page
            // cache per connection and memory-mapped reads keep that from turning into I/O.
            try db.execute(sql: "PRAGMA cache_size = -65536")
            try db.execute(sql: "PRAGMA mmap_size = 268435456")
            // Statement journals (the pages' contents before a statement that may fail half
            // way, such as a create's multi-row INSERT … SELECT inside its transaction) went
            // to a temporary file: 11,000 writes and 22 MB per 1,000-recipient create when
            // each create had a savepoint. In memory they cost at most the pages one
            // statement changes.
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
        }
        let pool = try DatabasePool(path: path, configuration: configuration)
        checkpointer.attach(pool)
        try Self.migrator.migrate(pool)
        self.pool = pool
        self.checkpointer = checkpointer
        self.inlineReader = try InlineReader(
            path: path, configuration: configuration, count: ProcessInfo.processInfo.activeProcessorCount)
        self.hub = hub
        self.onTransaction = onTransaction
    }

    /// Runs one write transaction, then wakes the polls of the feeds it changed once it
    /// committed.
    func write<T: Sendable>(
        _ operation: String = #function, _ body: @escaping @Sendable (Database) throws -> (T, [FeedKey])
    ) async throws -> T {
        try await write(operation) { db in
            let (value, changed) = try body(db)
            return (value, Changes(feeds: changed))
        }
    }

    /// What a write transaction changed: the stream entries it created (each names its
    /// feed), which are pushed to the polls waiting on their feeds, and the other feeds it
    /// changed.
    struct Changes {
        var feeds: [FeedKey] = []
        var created: [CreatedEntry] = []

        var isEmpty: Bool { feeds.isEmpty && created.isEmpty }

        mutating func append(_ other: Changes) {
            feeds += other.feeds
            created += other.created
        }
    }

    /// Runs one write transaction, then wakes the polls of the feeds it changed, pushing its
    /// created entries (with their feeds' counts at the commit) to those waiting.
    func write<T: Sendable>(
        _ operation: String = #function, _ body: @escaping @Sendable (Database) throws -> (T, Changes)
    ) async throws -> T {
        let start = ContinuousClock.now
        writesInFlight.add(1, ordering: .relaxed)
        defer { writesInFlight.subtract(1, ordering: .relaxed) }
        let value = try await pool.write(Self.committing(body, hub: hub))
        finished(operation, since: start)
        return value
    }

    /// `write`, run on the calling thread: GRDB's synchronous write runs the transaction
    /// right there when the writer's queue is free, with no other thread to wake. It blocks
    /// the caller until the queue is free, so it is only for a write that finds no other
    /// queued or running (`writesInFlight`): the caller's thread then spends the transaction's
    /// own time on it, which the writer's thread would have spent, and waits for nothing else.
    func writeHere<T: Sendable>(
        _ operation: String, _ body: @escaping @Sendable (Database) throws -> (T, Changes)
    ) throws -> T {
        let start = ContinuousClock.now
        writesInFlight.add(1, ordering: .relaxed)
        defer { writesInFlight.subtract(1, ordering: .relaxed) }
        let value = try pool.write(Self.committing(body, hub: hub))
        finished(operation, since: start)
        return value
    }

    /// The transaction of `write` and `writeHere`: `body`, and the wake-ups of what it changed
    /// once it commits.
    private static func committing<T: Sendable>(
        _ body: @escaping @Sendable (Database) throws -> (T, Changes), hub: UpdateHub?
    ) -> @Sendable (Database) throws -> T {
        { db in
            let (value, changes) = try body(db)
            wakeAfterCommit(changes, hub: hub, db: db)
            return value
        }
    }

    /// Reports a write's time under its operation's name (`#function` without its arguments).
    private func finished(_ operation: String, since start: ContinuousClock.Instant) {
        onTransaction(String(operation.prefix { $0 != "(" }), ContinuousClock.now - start)
    }

    /// Right after the commit, on the writer's queue: waiting polls are woken one hop sooner
    /// than from whoever awaits the write, and in commit order. The pushes are built there
    /// too, out of the write transaction.
    private static func wakeAfterCommit(_ changes: Changes, hub: UpdateHub?, db: Database) {
        guard let hub, !changes.isEmpty else { return }
        db.afterNextTransaction { _ in
            if !changes.feeds.isEmpty { hub.notify(changes.feeds) }
            guard !changes.created.isEmpty else { return }
            let round = PushRound()
            hub.notify(changes.created.map(\.feed)) { polled in
                CreatedUpdates.pushes(changes.created, polled: polled, round: round)
            }
            round.end()
        }
    }

    /// Checks that the database answers a query (readiness).
    public func isUsable() async -> Bool {
        (try? await pool.read { db in try Int.fetchOne(db, sql: "SELECT 1") }) == 1
    }

    /// Runs `body` in a read transaction: on the calling thread when an inline reader is
    /// free, else on one of the pool's readers; a read that runs long inline is run again on
    /// the pool's (`InlineReader`). For the reads of the request path, free of side effects.
    /// `inline: false` sends a read that is likely long (one that counts rows) straight to
    /// the pool.
    func snapshotRead<T: Sendable>(inline: Bool = true, _ body: @escaping @Sendable (Database) throws -> T)
        async throws -> T
    {
        if inline, let value = try inlineReader.read(body) { return value }
        return try await pool.read(body)
    }

    /// Folds the WAL back into the database file and closes every connection.
    public func close() throws {
        try inlineReader.close()
        try checkpointer.close()
        try pool.writeWithoutTransaction { db in _ = try Row.fetchAll(db, sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
        try pool.close()
    }
}
